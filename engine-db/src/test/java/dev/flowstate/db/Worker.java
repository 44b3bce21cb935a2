package dev.flowstate.db;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The JVM the kill -9 harness ({@link KillNineTest}) kills: it runs (or resumes) one workflow whose
 * tasks write a side-table row through the run's transaction (exactly once) and append a line to a
 * file outside it (at least once). Leases are short (2 s) so a successor takes over soon after a
 * kill.
 *
 * <p>Arguments: JDBC URL, schema, {@code new N checkpointEvery file} (stores a workflow of N
 * objects, prints its id, runs it) or {@code resume ID checkpointEvery file}. Exit 0 when the
 * workflow completed.
 */
public final class Worker {

  static final Duration LEASE = Duration.ofSeconds(2);
  static final Duration HEARTBEAT = Duration.ofMillis(500);

  private Worker() {}

  /**
   * Inserts (workflow, position, {@code task}) into the application's side table through the run's
   * transaction ({@link DbWorkflowEngine#connection}).
   */
  static void sideInsert(WorkflowEngine<?> engine, String schema, String task)
      throws java.sql.SQLException {
    String side = schema == null ? "side" : schema + ".side";
    try (var insert =
        DbWorkflowEngine.connection(engine)
            .prepareStatement(
                "INSERT INTO " + side + " (workflow_id, pos, task) VALUES (?, ?, ?)")) {
      insert.setString(1, engine.workflowId());
      insert.setInt(2, engine.state().tokenPos());
      insert.setString(3, task);
      insert.executeUpdate();
    }
  }

  /** Starts {@code main} in a JVM of its own on this classpath, stderr (and stdout) to files. */
  static Process start(Path logs, boolean captureOut, Class<?> main, String... args)
      throws java.io.IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1"); // start fast: these JVMs live a few seconds
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(main.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(logs.resolve("err-" + UUID.randomUUID() + ".txt").toFile());
    if (captureOut) {
      builder.redirectOutput(logs.resolve("out-" + UUID.randomUUID() + ".txt").toFile());
    }
    return builder.start();
  }

  static Flow<Doc> definition(String schema, Path file) {
    return definition(schema, file, 15);
  }

  /** {@link #definition(String, Path)}, task "mail" sleeping {@code sleepMillis} after writing. */
  static Flow<Doc> definition(String schema, Path file, long sleepMillis) {
    return Flow.of(
        Task.named(
            "book",
            (d, e) -> {
              sideInsert(e, schema, "book");
              d.seen.add("book");
            }),
        Task.named(
            "mail",
            (d, e) -> {
              Files.writeString(
                  file,
                  e.state().tokenPos() + "\n",
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND);
              Thread.sleep(sleepMillis); // room for a kill between the effects
              d.seen.add("mail");
            }),
        Task.named("count", (d, e) -> d.n++));
  }

  /**
   * The race's definition: halts on its first run ("gate"), then writes one side row through the
   * run's transaction and holds the workflow a moment ("work").
   */
  static Flow<Doc> raceDefinition(String schema) {
    return raceDefinition(schema, 300);
  }

  /** {@link #raceDefinition(String)}, holding the workflow {@code holdMillis} in "work". */
  static Flow<Doc> raceDefinition(String schema, long holdMillis) {
    return Flow.of(
        Task.named(
            "gate",
            (d, e) -> {
              if (d.n++ == 0) {
                e.halt("wait for the race");
              }
            }),
        Task.named(
            "work",
            (d, e) -> {
              sideInsert(e, schema, ProcessHandle.current().pid() + "");
              Thread.sleep(holdMillis); // hold the workflow while the others try
            }));
  }

  /**
   * The clustering definition: two tasks, each writing a side row through the run's transaction
   * (exactly once per committed object) and a line to {@code file} outside it (each execution), the
   * second sleeping {@code sleepMillis} (room for a kill mid-run).
   */
  static Flow<Doc> clusterDefinition(String schema, Path file, long sleepMillis) {
    return Flow.of(
        clusterTask("one", schema, file, 0), clusterTask("two", schema, file, sleepMillis));
  }

  private static Task<Doc> clusterTask(String name, String schema, Path file, long sleepMillis) {
    return Task.named(
        name,
        (d, e) -> {
          sideInsert(e, schema, name);
          synchronized (Worker.class) { // one file per JVM, written by all its worker threads
            Files.writeString(
                file,
                e.workflowId() + " " + e.state().tokenPos() + " " + name + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
          }
          if (sleepMillis > 0) {
            Thread.sleep(sleepMillis);
          }
          d.seen.add(name);
        });
  }

  /**
   * Runs a worker pool until stdin closes, then closes it gracefully and prints its counts. Prints
   * {@code pool NAME} once it claims. Arguments after the mode: threads, lease in ms, the file for
   * task executions, the task's sleep in ms.
   */
  private static void pool(String url, String schema, String[] args) throws Exception {
    int threads = Integer.parseInt(args[3]);
    Duration lease = Duration.ofMillis(Long.parseLong(args[4]));
    Path file = Path.of(args[5]);
    long sleepMillis = Long.parseLong(args[6]);
    try (Flowstate flowstate =
        Flowstate.builder()
            .jdbcUrl(url)
            .schema(schema)
            .heartbeat(lease.dividedBy(4))
            .lease(lease)
            .maxConnections(threads + 2)
            .build()
            .register("cluster", Doc.class, clusterDefinition(schema, file, sleepMillis))) {
      WorkerPool pool =
          flowstate.workers().threads(threads).pollInterval(Duration.ofMillis(200)).start();
      System.out.println("pool " + pool.name());
      System.out.flush();
      while (System.in.read() >= 0) {
        // runs until the parent closes stdin
      }
      pool.close();
      WorkerStats stats = pool.stats();
      System.out.println(
          "stats " + stats.claimed() + " " + stats.completed() + " " + stats.released());
      System.out.flush();
    }
  }

  public static void main(String[] args) throws Exception {
    String schema = args[1].equals("-") ? null : args[1];
    if (args[2].equals("pool")) {
      pool(args[0], schema, args);
      return;
    }
    if (args[2].equals("race")) {
      race(args[0], schema, UUID.fromString(args[3]));
      return;
    }
    int checkpointEvery = Integer.parseInt(args[4]);
    Path file = Path.of(args[5]);
    long sleepMillis = args.length > 6 ? Long.parseLong(args[6]) : 15;
    try (Flowstate flowstate =
        Flowstate.builder()
            .jdbcUrl(args[0])
            .schema(schema)
            .heartbeat(HEARTBEAT)
            .lease(LEASE)
            .build()
            .register("work", Doc.class, definition(schema, file, sleepMillis))) {
      DbWorkflowEngine<Doc> engine;
      if (args[2].equals("new")) {
        List<Doc> docs = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[3]); i++) {
          docs.add(new Doc("d" + i, 0));
        }
        engine = flowstate.newWorkflow("work", Doc.class, docs);
        System.out.println("id " + engine.id());
        System.out.flush();
      } else {
        UUID id = UUID.fromString(args[3]);
        engine = null;
        for (int attempt = 0; engine == null; attempt++) {
          try {
            engine = flowstate.load(id, Doc.class);
          } catch (OwnershipException held) {
            if (attempt > 100) {
              throw held;
            }
            Thread.sleep(100); // the killed owner's lease runs out within LEASE
          }
        }
      }
      engine.setCheckpointEvery(checkpointEvery);
      try {
        engine.resume();
      } catch (OwnershipException fencedOut) {
        System.err.println(fencedOut.getMessage());
        System.exit(5); // another engine took the workflow over: this one wrote nothing more
      }
      System.exit(engine.hasCompleted() ? 0 : 3);
    }
  }

  /** Exit 0: this process resumed the workflow; 5: another held it; 6: it had completed. */
  private static void race(String url, String schema, UUID id) {
    int exit;
    try (Flowstate flowstate =
        Flowstate.builder()
            .jdbcUrl(url)
            .schema(schema)
            .build()
            .register("race", Doc.class, raceDefinition(schema))) {
      try {
        flowstate.load(id, Doc.class).resume();
        exit = 0;
      } catch (OwnershipException lost) {
        exit = 5;
      } catch (IllegalStateException completed) {
        exit = completed.getMessage().contains("is COMPLETED") ? 6 : 1;
      }
    }
    System.exit(exit);
  }
}
