package dev.flowstate.dashboard;

import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.Task;
import dev.flowstate.migrations.MariaDbForTests;
import dev.flowstate.migrations.PostgresForTests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A flowstate database with an application's definitions and a dashboard over it, for one test: an
 * H2 file, a fresh schema of the test PostgreSQL, or a fresh database of the test MariaDB.
 */
final class Fixture implements AutoCloseable {

  static final String ALICE_TOKEN = "alice-token-0123456789abcdef";

  /** What the tests' workflows process. */
  public static final class Order {
    public String name;
    public int n;
    public String note;

    public Order() {}

    Order(String name, String note) {
      this.name = name;
      this.note = note;
    }
  }

  enum Kind {
    H2,
    POSTGRESQL,
    MARIADB
  }

  final DataSource dataSource;
  final String schema;
  final Kind kind;
  final AtomicBoolean halting = new AtomicBoolean(true);
  final Flowstate flowstate;
  Dashboard dashboard;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Fixture(DataSource dataSource, String schema, Kind kind) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.kind = kind;
    this.flowstate = Flowstate.builder().dataSource(dataSource).schema(schema).build();
    flowstate.register(
        "orders",
        Order.class,
        Flow.of(
            Task.named("reserve", (o, e) -> o.n++),
            Flow.of(
                Task.named(
                    "charge card",
                    (o, e) -> {
                      if (halting.get()) {
                        e.halt("Payment declined for " + o.name + ": call the customer");
                      }
                    }),
                Task.named("send receipt", (o, e) -> o.n++)),
            Task.named("ship", (o, e) -> o.n++)));
    flowstate.register(
        "imports",
        Order.class,
        Flow.of(
            Task.named(
                "parse",
                (o, e) -> {
                  throw new IllegalStateException("line 3: bad date 2026-13-01\n\tat somewhere");
                })));
  }

  static Fixture h2(Path folder) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + folder.resolve("flowstate").toAbsolutePath() + ";WRITE_DELAY=0");
    return new Fixture(ds, null, Kind.H2);
  }

  static Fixture postgres() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(PostgresForTests.jdbcUrl());
    return new Fixture(ds, "fs_dash_" + Long.toHexString(System.nanoTime()), Kind.POSTGRESQL);
  }

  static Fixture mariadb() {
    try {
      return new Fixture(
          new org.mariadb.jdbc.MariaDbDataSource(MariaDbForTests.jdbcUrl()),
          "fs_dash_" + Long.toHexString(System.nanoTime()),
          Kind.MARIADB);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the dashboard on a free port with Alice as operator and the definitions drawn. */
  Fixture start() {
    return start(Dashboard.builder(dataSource).operator("alice", ALICE_TOKEN));
  }

  Fixture start(Dashboard.Builder builder) {
    dashboard =
        builder
            .schema(schema)
            .port(0)
            .definitions(flowstate)
            .refresh(Duration.ofMillis(500))
            .start();
    return this;
  }

  UUID halted(String name) {
    DbWorkflowEngine<Order> engine = flowstate.newWorkflow("orders", Order.class);
    try {
      engine.process(List.of(new Order(name, "first")));
    } catch (HaltProcessing expected) {
      // halted as the test wants
    }
    return engine.id();
  }

  UUID failed() {
    DbWorkflowEngine<Order> engine = flowstate.newWorkflow("imports", Order.class);
    try {
      engine.process(List.of(new Order("import", null)));
    } catch (RuntimeException expected) {
      // failed as the test wants
    }
    return engine.id();
  }

  UUID submitted(Order... orders) {
    return flowstate.submit("orders", List.of(orders));
  }

  String url(String path) {
    return dashboard.url().resolve(path).toString();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(path))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path)))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    List<String> all = new ArrayList<>(List.of(headers));
    if (!all.contains("Content-Type")) {
      all.addAll(List.of("Content-Type", "application/json"));
    }
    for (int i = 0; i < all.size(); i += 2) {
      request.header(all.get(i), all.get(i + 1));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Runs one statement on the fixture's schema. */
  void update(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      if (kind == Kind.MARIADB) {
        c.setCatalog(schema);
      } else if (schema != null) {
        c.setSchema(schema);
      }
      s.executeUpdate(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    if (dashboard != null) {
      dashboard.close();
    }
    flowstate.close();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          switch (kind) {
            case H2 -> "DROP ALL OBJECTS";
            case MARIADB -> "DROP DATABASE IF EXISTS " + schema;
            case POSTGRESQL -> "DROP SCHEMA IF EXISTS " + schema + " CASCADE";
          });
    }
  }
}
