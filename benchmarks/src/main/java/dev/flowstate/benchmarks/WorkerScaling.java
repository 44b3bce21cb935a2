package dev.flowstate.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariDataSource;
import dev.flowstate.benchmarks.BenchDatabase.Item;
import dev.flowstate.db.Flowstate;
import dev.flowstate.db.WorkerPool;
import dev.flowstate.db.internal.Store;
import dev.flowstate.db.internal.Tables;
import dev.flowstate.migrations.DatabaseKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark of issue 10: worker pools on PostgreSQL (or MariaDB, see {@link BenchDatabase}; there
 * without the claim timing) running durable workflows of 100 objects × 10 small tasks, with 1, 2, 4
 * and 8 threads in this JVM and with 2 JVMs × 4 threads; then the claim statement's plan with
 * 100,000 workflows waiting. Not JMH: one case is minutes of commits spread over threads and
 * processes, timed from the moment every workflow becomes due to the last completion.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.flowstate.benchmarks.WorkerScaling [scale]
 * </pre>
 *
 * Each case stores its workflows NEW (not due, so no pool touches them), starts its pools, then
 * makes them all due in one statement and starts the clock. The 1-thread case is the baseline of
 * the others, measured in the same run. {@code scale} (default 1) multiplies the workflow counts.
 */
public final class WorkerScaling {

  private static final int OBJECTS = 100;

  private WorkerScaling() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("pool")) {
      pool(Integer.parseInt(args[1]));
      return;
    }
    double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    List<String> table = new ArrayList<>();
    double single = 0;
    double singleRaw = 0;
    int[][] cases = {{1, 1, 30}, {2, 1, 50}, {4, 1, 80}, {8, 1, 120}, {4, 2, 120}};
    String only = System.getProperty("cases"); // e.g. -Dcases=8x1,4x2 (threads x JVMs)
    for (int[] c : cases) {
      if (only != null && !List.of(only.split(",")).contains(c[0] + "x" + c[1])) {
        continue;
      }
      int threads = c[0];
      int jvms = c[1];
      int workflows = (int) (c[2] * scale);
      double seconds = run(threads, jvms, workflows);
      double objects = workflows * (double) OBJECTS / seconds;
      if (single == 0) {
        single = objects;
      }
      double raw = raw(threads * jvms, workflows);
      if (singleRaw == 0) {
        singleRaw = raw;
      }
      String row =
          String.format(
              "| %s | %d | %.1f | %,.0f | %.1f | %.2f× | %,.0f | %.2f× | %.2f |",
              jvms == 1
                  ? threads + " thread" + (threads > 1 ? "s" : "")
                  : jvms + " JVMs × " + threads,
              workflows,
              seconds,
              objects,
              workflows / seconds,
              objects / single,
              raw,
              raw / singleRaw,
              objects / raw);
      System.out.println(row);
      table.add(row);
    }
    System.out.println();
    System.out.println(
        "| workers | workflows | seconds | objects/s | workflows/s | vs 1 thread"
            + " | raw JDBC, same threads, objects/s | raw vs 1 thread | pools / raw |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    table.forEach(System.out::println);
    System.out.println();
    if (only == null && !BenchDatabase.mariadb()) {
      claimTimes(100_000);
    }
  }

  /**
   * Runs {@code workflows} workflows with pools of {@code threads} in {@code jvms} JVMs, in rounds
   * with the same pools (the first ones warm their JITs up), and times the last round.
   */
  private static double run(int threads, int jvms, int workflows) throws Exception {
    BenchDatabase.recreateSchema();
    try (Flowstate flowstate = flowstate(threads);
        Connection c = DriverManager.getConnection(BenchDatabase.url());
        Statement s = c.createStatement()) {
      BenchDatabase.KIND.useSchema(c, BenchDatabase.SCHEMA);
      List<Process> others = new ArrayList<>();
      WorkerPool here = null;
      if (jvms == 1) {
        here = flowstate.workers().threads(threads).pollInterval(Duration.ofMillis(100)).start();
      } else {
        for (int j = 0; j < jvms; j++) {
          others.add(startPool(threads));
        }
      }
      double seconds = 0;
      // fresh JVMs need longer for their JITs than this one, warmed by the earlier cases
      int rounds = Integer.getInteger("rounds", jvms == 1 ? 2 : 3);
      for (int round = 0; round < rounds; round++) {
        BenchDatabase.truncate(c);
        for (int i = 0; i < workflows; i++) { // NEW, not due: no pool takes them yet
          flowstate.newWorkflow("bench", Item.class, BenchDatabase.items(OBJECTS));
        }
        long started = System.nanoTime();
        s.executeUpdate("UPDATE fs_workflow SET resume_at = " + BenchDatabase.now());
        while (completed(s) < workflows) {
          Thread.sleep(20);
        }
        seconds = (System.nanoTime() - started) / 1e9;
      }
      if (here != null) {
        here.close();
      }
      for (Process other : others) {
        other.getOutputStream().close();
        other.waitFor();
      }
      return seconds;
    }
  }

  /**
   * The baseline: {@code threads} threads, each on its own connection, running workflows of 100
   * objects with {@link RawJdbcRun} (the engine's statements and commits in plain JDBC) until
   * {@code workflows} have run; objects per second.
   */
  private static double raw(int threads, int workflows) throws Exception {
    BenchDatabase.recreateSchema();
    try (Flowstate unused = flowstate(1)) { // the schema
      java.util.concurrent.atomic.AtomicInteger left =
          new java.util.concurrent.atomic.AtomicInteger();
      double seconds = 0;
      for (int round = 0; round < 2; round++) { // the first warms up
        left.set(workflows);
        List<Thread> running = new ArrayList<>();
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        for (int t = 0; t < threads; t++) {
          Thread thread =
              new Thread(
                  () -> {
                    try (Connection c = BenchDatabase.connect()) {
                      while (left.getAndDecrement() > 0) {
                        new RawJdbcRun(1).run(c, BenchDatabase.items(OBJECTS));
                      }
                    } catch (Exception e) {
                      failures.add(e);
                    }
                  });
          thread.start();
          running.add(thread);
        }
        for (Thread thread : running) {
          thread.join();
        }
        if (!failures.isEmpty()) {
          throw failures.get(0);
        }
        seconds = (System.nanoTime() - started) / 1e9;
      }
      return workflows * (double) OBJECTS / seconds;
    }
  }

  private static int completed(Statement s) throws SQLException {
    try (ResultSet r =
        s.executeQuery("SELECT COUNT(*) FROM fs_workflow WHERE status = 'COMPLETED'")) {
      r.next();
      return r.getInt(1);
    }
  }

  private static Flowstate flowstate(int threads) {
    return Flowstate.builder()
        .jdbcUrl(BenchDatabase.url())
        .schema(BenchDatabase.SCHEMA)
        .maxConnections(threads + 2)
        .build()
        .register("bench", Item.class, BenchDatabase.TEN_TASKS);
  }

  /** A JVM running a pool until its stdin closes; returns once its pool runs. */
  private static Process startPool(int threads) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WorkerScaling.class.getName(),
                "pool",
                String.valueOf(threads))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String line =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (line == null || !line.startsWith("pool")) {
      throw new IllegalStateException("the pool JVM did not start: " + line);
    }
    return process;
  }

  private static void pool(int threads) throws Exception {
    try (Flowstate flowstate = flowstate(threads)) {
      WorkerPool pool =
          flowstate.workers().threads(threads).pollInterval(Duration.ofMillis(100)).start();
      System.out.println("pool " + pool.name());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the parent closes stdin
      }
      pool.close();
    }
  }

  /**
   * The mean time of a claim of 8 with {@code waiting} due workflows (the claim's plan at that size
   * is checked by PostgresWorkerPoolTest).
   */
  private static void claimTimes(int waiting) throws Exception {
    BenchDatabase.recreateSchema();
    String fingerprint;
    try (Flowstate flowstate = flowstate(1)) {
      flowstate.newWorkflow("bench", Item.class, List.of());
    }
    String table = BenchDatabase.SCHEMA + ".fs_workflow";
    try (Connection c = DriverManager.getConnection(BenchDatabase.url());
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT definition_fingerprint FROM " + table)) {
        r.next();
        fingerprint = r.getString(1);
      }
      s.executeUpdate(
          "INSERT INTO "
              + table
              + " (id, definition_name, definition_fingerprint, status, token_pos, callback_pos,"
              + " version, created_at, modified_at, resume_at)"
              + " SELECT gen_random_uuid(), 'bench', '"
              + fingerprint
              + "', 'NEW', -1, '[0]'::jsonb, 0, now(), now(),"
              + " now() - (g || ' milliseconds')::interval FROM generate_series(1, "
              + waiting
              + ") g");
      // and as many finished ones, as a table in service has
      s.executeUpdate(
          "INSERT INTO "
              + table
              + " (id, definition_name, definition_fingerprint, status, token_pos, callback_pos,"
              + " version, created_at, modified_at)"
              + " SELECT gen_random_uuid(), 'bench', '"
              + fingerprint
              + "', 'COMPLETED', 0, '[0]'::jsonb, 3, now(), now() FROM generate_series(1, "
              + waiting
              + ") g");
      s.execute("ANALYZE " + table);
    }
    ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(BenchDatabase.url());
    try (HikariDataSource ds = pool;
        Store store = Store.open(ds, BenchDatabase.SCHEMA, DatabaseKind.POSTGRESQL, mapper)) {
      Tables tables = Tables.of(store);
      Map<String, String> definitions = Map.of("bench", fingerprint);
      int claims = 200;
      long started = System.nanoTime();
      for (int i = 0; i < claims; i++) {
        Instant at = Instant.now();
        tables.ownership().claim("bench:1:x#workers-1", 8, at, at.plusSeconds(30), definitions, at);
      }
      System.out.printf(
          "%d claims of 8 (each its own transaction, committed): %.2f ms each%n",
          claims, (System.nanoTime() - started) / 1e6 / claims);
    }
  }
}
