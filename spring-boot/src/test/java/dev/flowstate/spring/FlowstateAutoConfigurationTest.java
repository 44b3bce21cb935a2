package dev.flowstate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.WorkflowStatus;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration in a Spring Boot 4 context on the application's own DataSource. */
class FlowstateAutoConfigurationTest {

  public static class Order {
    public String name;
    public long total;

    public Order() {}

    Order(String name) {
      this.name = name;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Application {
    @Bean
    DataSource dataSource() {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:boot-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
      return h2;
    }

    @Bean
    FlowstateDefinition<Order> orders() {
      return new FlowstateDefinition<>(
          "orders", Order.class, Flow.of(Task.named("price", (o, e) -> o.total += 12)));
    }
  }

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(FlowstateAutoConfiguration.class))
          .withUserConfiguration(Application.class);

  @Test
  void flowstate_isBuiltOnTheApplicationsDataSource_inItsOwnSchema_withTheDefinitionBeans() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(Flowstate.class);
          assertThat(context).doesNotHaveBean(FlowstateAutoConfiguration.FlowstateWorkers.class);
          Flowstate flowstate = context.getBean(Flowstate.class);
          assertThat(flowstate.definitions()).containsOnlyKeys("orders");
          var engine = flowstate.newWorkflow("orders", Order.class);
          engine.process(List.of(new Order("A")));
          assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.COMPLETED);
          try (Connection c = context.getBean(DataSource.class).getConnection();
              ResultSet r =
                  c.createStatement()
                      .executeQuery("SELECT COUNT(*) FROM \"flowstate\".fs_workflow")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(1);
          }
        });
  }

  @Test
  void properties_setTheBuildersSettings_andABadOneFailsTheStartNamingIt() {
    runner
        .withPropertyValues("flowstate.schema=", "flowstate.lease=5s", "flowstate.heartbeat=2s")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("lease (PT5S) must be at least three heartbeats");
            });
  }

  @Test
  void dashboard_isServedWhenEnabled_overTheApplicationsSchema_andStopsWithTheContext() {
    runner.run(
        context -> assertThat(context).doesNotHaveBean(dev.flowstate.dashboard.Dashboard.class));
    runner
        .withPropertyValues(
            "flowstate.dashboard.enabled=true",
            "flowstate.dashboard.port=0",
            "flowstate.dashboard.token=boot-token-0123456789",
            "flowstate.dashboard.operator=olga")
        .run(
            context -> {
              Flowstate flowstate = context.getBean(Flowstate.class);
              UUID id = flowstate.submit("orders", List.of(new Order("A")));
              var dashboard = context.getBean(dev.flowstate.dashboard.Dashboard.class);
              var http = java.net.http.HttpClient.newHttpClient();
              var detail =
                  http.send(
                      java.net.http.HttpRequest.newBuilder(
                              dashboard.url().resolve("/api/workflows/" + id))
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString());
              assertThat(detail.statusCode()).isEqualTo(200);
              assertThat(detail.body())
                  .contains("\"definitionName\":\"orders\"")
                  .contains("\"name\":\"price\"");
              var session =
                  http.send(
                      java.net.http.HttpRequest.newBuilder(dashboard.url().resolve("/api/session"))
                          .header("Authorization", "Bearer boot-token-0123456789")
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString());
              assertThat(session.body()).isEqualTo("{\"actions\":true,\"operator\":\"olga\"}");
              int port = dashboard.port();
              context.close();
              assertThatThrownBy(
                      () ->
                          http.send(
                              java.net.http.HttpRequest.newBuilder(
                                      java.net.URI.create("http://127.0.0.1:" + port + "/"))
                                  .build(),
                              java.net.http.HttpResponse.BodyHandlers.ofString()))
                  .isInstanceOf(java.net.ConnectException.class);
            });
  }

  @Test
  void workerPool_startsWithTheContext_runsSubmittedWorkflows_andStopsWithIt() {
    runner
        .withPropertyValues(
            "flowstate.workers.enabled=true",
            "flowstate.workers.threads=2",
            "flowstate.workers.poll-interval=100ms")
        .run(
            context -> {
              Flowstate flowstate = context.getBean(Flowstate.class);
              var workers = context.getBean(FlowstateAutoConfiguration.FlowstateWorkers.class);
              assertThat(workers.isRunning()).isTrue();
              UUID id = flowstate.submit("orders", List.of(new Order("A")));
              long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
              // the pool counts the run after its last commit: wait for both
              while ((flowstate.status(id).orElseThrow() != WorkflowStatus.COMPLETED
                      || workers.pool().stats().completed() == 0)
                  && System.nanoTime() < deadline) {
                Thread.sleep(20);
              }
              assertThat(flowstate.status(id)).contains(WorkflowStatus.COMPLETED);
              assertThat(workers.pool().stats().completed()).isEqualTo(1);
              context.close();
              assertThat(workers.isRunning()).isFalse();
            });
  }

  @Test
  void aFlowstateOfTheApplications_isKept() {
    runner
        .withBean(
            "own",
            Flowstate.class,
            () ->
                Flowstate.builder()
                    .jdbcUrl("jdbc:h2:mem:own-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                    .build())
        .run(
            context -> {
              assertThat(context).hasSingleBean(Flowstate.class);
              assertThat(context.getBean(Flowstate.class).definitions()).isEmpty();
            });
  }

  @Test
  void actuator_healthReportsStuckWorkflowsAndThePool_downWhenTheDatabaseFails_infoTheSchema() {
    runner.run(
        context -> {
          FlowstateHealthIndicator indicator = context.getBean(FlowstateHealthIndicator.class);
          var health = indicator.health();
          assertThat(health.getStatus().getCode()).isEqualTo("UP");
          assertThat(health.getDetails())
              .containsEntry("interrupted", 0L)
              .containsEntry("stalled", 0L)
              .containsEntry("workers", "disabled");

          var info = new org.springframework.boot.actuate.info.Info.Builder();
          context.getBean(FlowstateInfoContributor.class).contribute(info);
          @SuppressWarnings("unchecked")
          var flowstate = (java.util.Map<String, Object>) info.build().get("flowstate");
          assertThat(flowstate)
              .containsEntry(
                  "schemaVersion",
                  String.valueOf(dev.flowstate.migrations.FlowstateMigrations.LATEST_VERSION))
              .containsKey("version")
              .containsEntry("definitions", context.getBean(Flowstate.class).definitions());
          assertThat(context).hasSingleBean(dev.flowstate.micrometer.FlowstateMetrics.class);

          try (Connection c = context.getBean(DataSource.class).getConnection()) {
            c.createStatement().execute("DROP SCHEMA \"flowstate\" CASCADE");
          }
          var down = indicator.health();
          assertThat(down.getStatus().getCode()).isEqualTo("DOWN");
          assertThat(down.getDetails()).containsKey("error");
        });
  }

  @Test
  void actuatorContributions_canBeSwitchedOff() {
    runner
        .withPropertyValues(
            "management.health.flowstate.enabled=false", "management.info.flowstate.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean("flowstateHealthIndicator");
              assertThat(context).doesNotHaveBean("flowstateInfoContributor");
            });
  }

  @Test
  void aDefinitionBeansCheckpointSetting_holdsForItsEngines_andABadOneNamesIt() {
    runner
        .withBean(
            "batched",
            FlowstateDefinition.class,
            () ->
                new FlowstateDefinition<>(
                    "batched", Order.class, Flow.of(Task.named("t", (o, e) -> {})), 50))
        .run(
            context -> {
              Flowstate flowstate = context.getBean(Flowstate.class);
              assertThat(flowstate.newWorkflow("batched", Order.class).checkpointEvery())
                  .isEqualTo(50);
              assertThat(flowstate.newWorkflow("orders", Order.class).checkpointEvery())
                  .isEqualTo(1);
            });
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new FlowstateDefinition<>("x", Order.class, Flow.of(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpointEvery of definition 'x' must be at least 1 (durable), got 0");
  }
}
