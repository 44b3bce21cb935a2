package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.db.WorkflowStatus;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a user's project does first: store a workflow that halts, resume it in a new Flowstate. */
class ConsumerTest {

  public static class Order {
    public String name;
    public long total;

    public Order() {}

    Order(String name) {
      this.name = name;
    }
  }

  static final Flow<Order> DEFINITION =
      Flow.of(
          Task.named("price", (order, engine) -> order.total += 12),
          Task.named(
              "approve",
              (order, engine) -> {
                if (engine.extraData().putIfAbsent("approved", true) == null) {
                  engine.halt("needs approval");
                }
              }));

  @Test
  void storedWorkflow_haltsAndIsResumedByANewFlowstate() {
    String url =
        "jdbc:h2:file:"
            + Path.of("target", "consumer-db", "flowstate").toAbsolutePath()
            + ";WRITE_DELAY=0";
    UUID id;
    try (Flowstate first = Flowstate.builder().jdbcUrl(url).build()) {
      first.register("orders", Order.class, DEFINITION);
      DbWorkflowEngine<Order> engine = first.newWorkflow("orders", Order.class);
      id = engine.id();
      assertThrows(HaltProcessing.class, () -> engine.process(List.of(new Order("A"))));
    }
    try (Flowstate later = Flowstate.builder().jdbcUrl(url).build()) {
      later.register("orders", Order.class, DEFINITION);
      DbWorkflowEngine<Order> resumed = later.load(id, Order.class);
      resumed.resume();
      assertEquals(WorkflowStatus.COMPLETED, later.status(id).orElseThrow());
      assertEquals(12, resumed.objects().get(0).total);
    }
  }
}
