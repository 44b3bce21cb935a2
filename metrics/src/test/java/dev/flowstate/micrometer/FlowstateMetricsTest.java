package dev.flowstate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.db.WorkerPool;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowError;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters after real stored runs on H2: each by name, tags and value. */
class FlowstateMetricsTest {

  public static class Order {
    public String name;
    public long total;

    public Order() {}

    Order(String name) {
      this.name = name;
    }
  }

  static final Flow<Order> ORDERS =
      Flow.of(
          Task.named("price", (o, e) -> o.total += 12),
          Task.named(
              "check",
              (o, e) -> {
                if (o.name.equals("H") && e.extraData().putIfAbsent("seen", true) == null) {
                  e.halt("look at H");
                }
                if (o.name.equals("F")) {
                  throw new IllegalStateException("F is bad");
                }
              }));

  @TempDir Path folder;
  String url;
  Flowstate flowstate;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void open() {
    url = "jdbc:h2:file:" + folder.resolve("fs").toAbsolutePath() + ";AUTO_SERVER=TRUE";
    flowstate = Flowstate.builder().jdbcUrl(url).build().register("orders", Order.class, ORDERS);
    new FlowstateMetrics(flowstate, Duration.ZERO).bindTo(registry);
  }

  @AfterEach
  void close() {
    flowstate.close();
  }

  @Test
  void runsWithACompletionAHaltAndAFailure_areCountedTimedAndGaugedByDefinition() {
    flowstate.newWorkflow("orders", Order.class).process(List.of(new Order("A")));
    DbWorkflowEngine<Order> halting = flowstate.newWorkflow("orders", Order.class);
    assertThatThrownBy(() -> halting.process(List.of(new Order("H"))))
        .isInstanceOf(HaltProcessing.class);
    assertThatThrownBy(
            () -> flowstate.newWorkflow("orders", Order.class).process(List.of(new Order("F"))))
        .isInstanceOf(WorkflowError.class);

    assertThat(counter("flowstate.workflows.started", "definition", "orders")).isEqualTo(3);
    assertThat(ended("COMPLETED")).isEqualTo(1);
    assertThat(ended("HALTED")).isEqualTo(1);
    assertThat(ended("ERROR")).isEqualTo(1);
    assertThat(objects("COMPLETED")).isEqualTo(1);
    assertThat(objects("HALTED")).isEqualTo(1);
    assertThat(objects("ERROR")).isEqualTo(1);
    assertThat(registry.find("flowstate.workflows.takeovers").meters()).isEmpty();
    assertThat(
            registry
                .get("flowstate.tasks")
                .tags("definition", "orders", "task", "price")
                .timer()
                .count())
        .isEqualTo(3);
    assertThat(
            registry
                .get("flowstate.tasks")
                .tags("definition", "orders", "task", "check")
                .timer()
                .count())
        .isEqualTo(3);
    // each run: the commit that takes the workflow, and the one of its end (the object with it)
    assertThat(registry.get("flowstate.saves").tag("definition", "orders").timer().count())
        .isEqualTo(6);
    assertThat(gauge("COMPLETED")).isEqualTo(1);
    assertThat(gauge("HALTED")).isEqualTo(1);
    assertThat(gauge("ERROR")).isEqualTo(1);
    assertThat(gauge("RUNNING")).isZero();

    // the halted one resumed: ends COMPLETED; the gauges follow
    halting.resume();
    assertThat(ended("COMPLETED")).isEqualTo(2);
    assertThat(gauge("COMPLETED")).isEqualTo(2);
    assertThat(gauge("HALTED")).isZero();
    for (Meter meter : registry.getMeters()) {
      assertThat(meter.getId().getTags()).noneMatch(tag -> tag.getKey().contains("id"));
    }
  }

  @Test
  void workflowWhoseRunDidNotEnd_isCountedATakeoverWhenResumed() throws Exception {
    DbWorkflowEngine<Order> halting = flowstate.newWorkflow("orders", Order.class);
    assertThatThrownBy(() -> halting.process(List.of(new Order("H"))))
        .isInstanceOf(HaltProcessing.class);
    UUID id = halting.id();
    // as a process that died mid-run leaves it: RUNNING, its lease run out
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE fs_workflow SET status = 'RUNNING', ended_by = NULL, owner = 'dead',"
              + " lease_until = TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00+00'");
    }

    flowstate.load(id, Order.class).resume();

    assertThat(counter("flowstate.workflows.takeovers", "definition", "orders")).isEqualTo(1);
    assertThat(counter("flowstate.workflows.started", "definition", "orders")).isEqualTo(2);
  }

  @Test
  void workerPoolClaims_areTimedAndCounted() throws Exception {
    flowstate.submit("orders", List.of(new Order("A")));
    try (WorkerPool pool = flowstate.workers().threads(1).start()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (pool.stats().completed() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(pool.stats().completed()).isEqualTo(1);
    }
    assertThat(registry.get("flowstate.workflows.claimed").counter().count()).isEqualTo(1);
    assertThat(registry.get("flowstate.claims").timer().count()).isPositive();
    assertThat(ended("COMPLETED")).isEqualTo(1);
  }

  @Test
  void failedLeaseRenewal_isCounted_andBindingTwiceIsRefused() {
    FlowstateMetrics metrics = new FlowstateMetrics(flowstate);
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    metrics.bindTo(other);
    metrics.leaseRenewalFailed(2, new IllegalStateException("connection lost"));

    assertThat(other.get("flowstate.leases.renewals.failed").counter().count()).isEqualTo(1);
    assertThatThrownBy(() -> metrics.bindTo(registry))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("FlowstateMetrics is bound to a registry already; make one per registry");
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  private double ended(String status) {
    return counter("flowstate.workflows.ended", "definition", "orders", "status", status);
  }

  private double objects(String outcome) {
    return counter("flowstate.objects.processed", "definition", "orders", "outcome", outcome);
  }

  private double gauge(String status) {
    return registry
        .get("flowstate.workflows")
        .tags("definition", "orders", "status", status)
        .gauge()
        .value();
  }
}
