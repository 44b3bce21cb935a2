package dev.flowstate.benchmarks;

import dev.flowstate.benchmarks.BenchDatabase.Item;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.Task;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Benchmark (d): time from {@code load(id)} to the first task in a fresh JVM, for a halted workflow
 * of 1,000 and of 100,000 objects. Not JMH: what is measured happens once per JVM.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.flowstate.benchmarks.ResumeLatency [runs]
 * </pre>
 *
 * Each size gets a workflow halted on its first object (stored with checkpoint every 1,000); then
 * {@code runs} fresh JVMs each build a Flowstate, load the workflow, restart it and time until the
 * first task is called; that task halts again, so every JVM finds the same state.
 */
public final class ResumeLatency {

  private static volatile long loadStarted;
  private static volatile long firstTask;

  /** Task "probe" halts on every object whose value is still 0; the rest are the ten tasks. */
  static final Flow<Item> FLOW =
      Flow.of(
          Task.<Item>named(
              "probe",
              (item, engine) -> {
                if (firstTask == 0) {
                  firstTask = System.nanoTime();
                }
                if (item.value == 0) {
                  engine.halt("probe");
                }
              }),
          BenchDatabase.TEN_TASKS);

  private ResumeLatency() {}

  static Flowstate flowstate() {
    return Flowstate.builder()
        .jdbcUrl(BenchDatabase.url())
        .schema(BenchDatabase.SCHEMA)
        .build()
        .register("resume", Item.class, FLOW);
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("probe")) {
      probe(UUID.fromString(args[1]));
      return;
    }
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    BenchDatabase.recreateSchema();
    List<String> report = new ArrayList<>();
    for (int size : new int[] {1_000, 100_000}) {
      UUID id;
      try (Flowstate flowstate = flowstate()) {
        DbWorkflowEngine<Item> engine = flowstate.newWorkflow("resume", Item.class);
        engine.setCheckpointEvery(1_000);
        List<Item> items = BenchDatabase.items(size); // item 0 has value 0: the probe halts on it
        try {
          engine.process(items);
        } catch (HaltProcessing expected) {
          // stored HALTED at object 0
        }
        id = engine.id();
      }
      List<Double> loadToTask = new ArrayList<>();
      List<Double> buildMs = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        String[] line = fresh(id).split(" ");
        buildMs.add(Double.parseDouble(line[0]));
        loadToTask.add(Double.parseDouble(line[1]));
      }
      report.add(
          String.format(
              "%,d objects: load→first task median %.1f ms (runs %s); Flowstate build median %.0f ms",
              size, median(loadToTask), loadToTask, median(buildMs)));
    }
    report.forEach(System.out::println);
  }

  private static String fresh(UUID id) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Dorg.jboss.logging.provider=slf4j",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                ResumeLatency.class.getName(),
                "probe",
                id.toString())
            .redirectErrorStream(true)
            .start();
    String result = null;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          result = line.substring(7);
        }
      }
    }
    if (p.waitFor() != 0 || result == null) {
      throw new IllegalStateException("probe JVM failed, exit " + p.exitValue());
    }
    return result;
  }

  private static void probe(UUID id) {
    long start = System.nanoTime();
    try (Flowstate flowstate = flowstate()) {
      long built = System.nanoTime();
      loadStarted = System.nanoTime();
      DbWorkflowEngine<Item> engine = flowstate.load(id, Item.class);
      try {
        engine.restart(RestartPosition.CURRENT, RestartPosition.FIRST);
      } catch (HaltProcessing expected) {
        // halts again on object 0
      }
      System.out.printf(
          "RESULT %.2f %.2f%n", (built - start) / 1e6, (firstTask - loadStarted) / 1e6);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
