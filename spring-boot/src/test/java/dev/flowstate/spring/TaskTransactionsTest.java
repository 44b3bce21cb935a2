package dev.flowstate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tasks' JdbcTemplate, JdbcClient and transactional methods write through the run's own
 * transaction: committed with the object's save point, taken back with its failure; a run started
 * inside the application's transaction leaves that transaction alone. On H2 and PostgreSQL.
 */
class TaskTransactionsTest {

  public static class Order {
    public String name;

    public Order() {}

    Order(String name) {
      this.name = name;
    }
  }

  static List<Order> orders(String... names) {
    List<Order> orders = new ArrayList<>();
    for (String name : names) {
      orders.add(new Order(name));
    }
    return orders;
  }

  /** Each test's database: H2 in memory, or a fresh schema of the test PostgreSQL. */
  static HikariDataSource database(String kind) {
    HikariDataSource pool = new HikariDataSource();
    if (kind.equals("h2")) {
      pool.setJdbcUrl("jdbc:h2:mem:tx-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    } else {
      String url = System.getenv("FLOWSTATE_TEST_JDBC_URL");
      if (!"1".equals(System.getenv("FLOWSTATE_REQUIRE_PG"))) {
        assumeThat(url).as("FLOWSTATE_TEST_JDBC_URL (a PostgreSQL database)").isNotBlank();
      }
      String schema = "app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (HikariDataSource setup = new HikariDataSource()) {
        setup.setJdbcUrl(url);
        new JdbcTemplate(setup).execute("CREATE SCHEMA " + schema);
      }
      pool.setJdbcUrl(url);
      pool.setSchema(schema);
    }
    pool.setMaximumPoolSize(6);
    return pool;
  }

  final List<String> heard = Collections.synchronizedList(new ArrayList<>());

  /** Runs {@code test} in a context on {@code kind}'s database with a bookings table. */
  void withContext(String kind, Flow<Order> flow, Consumer<ConfigurableApplicationContext> test) {
    HikariDataSource dataSource = database(kind);
    String schema = "flowstate_" + UUID.randomUUID().toString().substring(0, 8);
    try (dataSource) {
      new JdbcTemplate(dataSource)
          .execute("CREATE TABLE bookings (name VARCHAR(20), task VARCHAR(20))");
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(FlowstateAutoConfiguration.class))
          .withBean(DataSource.class, () -> dataSource)
          .withBean(JdbcTemplate.class, () -> new JdbcTemplate(dataSource))
          .withBean(
              TransactionTemplate.class,
              () -> new TransactionTemplate(new DataSourceTransactionManager(dataSource)))
          .withBean(
              "bookingDefinition",
              FlowstateDefinition.class,
              () -> new FlowstateDefinition<>("booking", Order.class, flow))
          .withPropertyValues("flowstate.schema=" + schema)
          .run(context -> test.accept(context));
    } finally {
      if (dataSource.getSchema() != null) {
        try (HikariDataSource cleanup = new HikariDataSource()) {
          cleanup.setJdbcUrl(dataSource.getJdbcUrl());
          JdbcTemplate jdbc = new JdbcTemplate(cleanup);
          jdbc.execute("DROP SCHEMA " + dataSource.getSchema() + " CASCADE");
          jdbc.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
  }

  interface EngineTest {
    void accept(ConfigurableApplicationContext context, DbWorkflowEngine<Order> engine);
  }

  /** {@link #withContext} with a new workflow of {@code flow}, and the tasks' beans in place. */
  void withEngine(String kind, Flow<Order> flow, EngineTest test) {
    withContext(
        kind,
        flow,
        context -> {
          use(context);
          test.accept(
              context, context.getBean(Flowstate.class).newWorkflow("booking", Order.class));
        });
  }

  /** Set by each test before its context starts: what the tasks use. */
  JdbcTemplate jdbc;

  TransactionTemplate transactions;

  List<String> bookings(ConfigurableApplicationContext context) {
    return context
        .getBean(JdbcTemplate.class)
        .queryForList("SELECT name || ' ' || task FROM bookings ORDER BY name, task", String.class);
  }

  Task<Order> book(String task) {
    return Task.named(
        task, (o, e) -> jdbc.update("INSERT INTO bookings VALUES (?, ?)", o.name, task));
  }

  void use(ConfigurableApplicationContext context) {
    jdbc = context.getBean(JdbcTemplate.class);
    transactions = context.getBean(TransactionTemplate.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void jdbcTemplateAndJdbcClientWrites_commitWithTheirObject_aFailedTaskTakesItsOwnBack(
      String kind) {
    boolean[] failed = {false};
    Flow<Order> flow =
        Flow.of(
            book("book"),
            Task.named(
                "charge",
                (o, e) -> {
                  JdbcClient.create(jdbc)
                      .sql("INSERT INTO bookings VALUES (?, ?)")
                      .params(o.name, "charge")
                      .update();
                  if (o.name.equals("B") && !failed[0]) {
                    failed[0] = true;
                    throw new IllegalStateException("card declined");
                  }
                }));
    withEngine(
        kind,
        flow,
        (context, engine) -> {
          assertThatThrownBy(() -> engine.process(orders("A", "B", "C")))
              .isInstanceOf(WorkflowError.class)
              .hasMessageContaining("card declined");
          // B's charge went with its failure; B's book commits with the error, as its data does
          assertThat(bookings(context)).containsExactly("A book", "A charge", "B book");
          assertThat(TransactionSynchronizationManager.getResourceMap()).isEmpty();

          engine.resume();

          assertThat(bookings(context))
              .containsExactly("A book", "A charge", "B book", "B charge", "C book", "C charge");
          // outside a run, the application's JdbcTemplate works as it always did (auto-commit)
          jdbc.update("INSERT INTO bookings VALUES ('Z', 'outside')");
          assertThat(bookings(context)).contains("Z outside");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aTransactionalMethodInATask_participates_andItsCaughtFailureFailsTheTask(String kind) {
    Flow<Order> flow =
        Flow.of(
            book("book"),
            Task.named(
                "pay",
                (o, e) -> {
                  try {
                    transactions.executeWithoutResult(
                        status -> {
                          assertThat(status.isNewTransaction()).isFalse(); // it joined the run's
                          jdbc.update("INSERT INTO bookings VALUES (?, 'pay')", o.name);
                          if (o.name.equals("B")) {
                            throw new IllegalStateException("limit exceeded");
                          }
                        });
                  } catch (IllegalStateException caught) {
                    // swallowed: the transaction is rollback-only all the same
                  }
                }));
    withEngine(
        kind,
        flow,
        (context, engine) -> {
          assertThatThrownBy(() -> engine.process(orders("A", "B")))
              .isInstanceOf(WorkflowError.class)
              .cause()
              .isInstanceOf(UnexpectedRollbackException.class)
              .hasMessageContaining("task pay returned, but a transactional method it called");
          assertThat(bookings(context)).containsExactly("A book", "A pay", "B book");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aRunInsideTheApplicationsTransaction_writesInItsOwn_andLeavesTheApplicationsAlone(
      String kind) {
    withEngine(
        kind,
        Flow.of(book("book")),
        (context, engine) -> {
          assertThatThrownBy(
                  () ->
                      transactions.executeWithoutResult(
                          status -> {
                            jdbc.update("INSERT INTO bookings VALUES ('app', 'before')");
                            engine.process(orders("A"));
                            jdbc.update("INSERT INTO bookings VALUES ('app', 'after')");
                            throw new IllegalStateException("the application changes its mind");
                          }))
              .hasMessage("the application changes its mind");

          // the run committed its own writes; the application's transaction rolled back its own
          assertThat(bookings(context)).containsExactly("A book");
          assertThat(TransactionSynchronizationManager.getResourceMap()).isEmpty();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void synchronizationsOfATask_hearAfterCommitWhenTheSavePointHoldingItsWritesCommits(String kind) {
    Flow<Order> flow =
        Flow.of(
            Task.named(
                "book",
                (o, e) -> {
                  book("book").run(o, e);
                  TransactionSynchronizationManager.registerSynchronization(
                      new TransactionSynchronization() {
                        @Override
                        public void beforeCommit(boolean readOnly) {
                          heard.add(o.name + " beforeCommit");
                        }

                        @Override
                        public void afterCommit() {
                          // a fresh connection sees the booking: it is committed
                          heard.add(
                              o.name
                                  + " afterCommit, visible: "
                                  + jdbc.queryForObject(
                                      "SELECT COUNT(*) FROM bookings WHERE name = ?",
                                      Integer.class,
                                      o.name));
                        }

                        @Override
                        public void afterCompletion(int status) {
                          heard.add(o.name + " afterCompletion " + status);
                        }
                      });
                  if (o.name.equals("B")) {
                    e.skipToken(); // B is skipped: its writes and its synchronization go back
                  }
                }));
    withEngine(
        kind,
        flow,
        (context, engine) -> {
          engine.setCheckpointEvery(2);

          engine.process(orders("A", "B", "C"));

          assertThat(bookings(context)).containsExactly("A book", "C book");
          assertThat(heard)
              .containsExactly(
                  "A beforeCommit",
                  "B beforeCommit",
                  "B afterCompletion 1",
                  "A afterCommit, visible: 1", // the checkpoint of A and B
                  "A afterCompletion 0",
                  "C beforeCommit",
                  "C afterCommit, visible: 1",
                  "C afterCompletion 0");
        });
  }
}
