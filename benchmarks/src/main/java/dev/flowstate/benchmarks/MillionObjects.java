package dev.flowstate.benchmarks;

import dev.flowstate.benchmarks.BenchDatabase.Item;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.db.WorkflowStatus;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.Task;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * Benchmark (e): a workflow of 1,000,000 objects × 10 tasks in a JVM of {@code -Xmx256m}: stored
 * and run with checkpoint every 1,000 until a halt at object 600,000, then loaded again and
 * finished from the database page by page.
 *
 * <pre>java -Xmx256m -cp benchmarks/target/benchmarks.jar dev.flowstate.benchmarks.MillionObjects
 * </pre>
 */
public final class MillionObjects {

  static final int COUNT = 1_000_000;
  static final int HALT_AT = 600_000;

  static final Flow<Item> FLOW =
      Flow.of(
          Task.<Item>named(
              "gate",
              (item, engine) -> {
                if (engine.state().tokenPos() == HALT_AT && item.value == HALT_AT) {
                  engine.halt("halfway");
                }
              }),
          BenchDatabase.TEN_TASKS);

  private MillionObjects() {}

  public static void main(String[] args) throws Exception {
    BenchDatabase.recreateSchema();
    long start = System.nanoTime();
    try (Flowstate flowstate =
        Flowstate.builder()
            .jdbcUrl(BenchDatabase.url())
            .schema(BenchDatabase.SCHEMA)
            .build()
            .register("million", Item.class, FLOW)) {
      DbWorkflowEngine<Item> engine = flowstate.newWorkflow("million", Item.class);
      engine.setCheckpointEvery(1_000);
      List<Item> items = BenchDatabase.items(COUNT);
      try {
        engine.process(items);
        throw new IllegalStateException("expected a halt at " + HALT_AT);
      } catch (HaltProcessing expected) {
        // stored: 600,000 objects done, HALTED at 600,000
      }
      items = null;
      long halted = System.nanoTime();
      DbWorkflowEngine<Item> resumed = flowstate.load(engine.id(), Item.class);
      resumed.setCheckpointEvery(1_000);
      resumed.restart(RestartPosition.CURRENT, RestartPosition.NEXT);
      long done = System.nanoTime();
      if (flowstate.status(engine.id()).orElseThrow() != WorkflowStatus.COMPLETED) {
        throw new IllegalStateException("not completed");
      }
      System.out.printf(
          "1,000,000 objects, -Xmx%dm: stored + first 600,000 in %.1f s, resumed 400,000 from the"
              + " database in %.1f s, total %.1f s (%.0f objects/s); peak heap %d MB%n",
          Runtime.getRuntime().maxMemory() >> 20,
          (halted - start) / 1e9,
          (done - halted) / 1e9,
          (done - start) / 1e9,
          COUNT / ((done - start) / 1e9),
          peakHeap() >> 20);
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
