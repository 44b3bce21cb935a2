package dev.flowstate.benchmarks;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.db.WorkerPool;
import dev.flowstate.db.WorkerPoolBuilder;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 21's benchmark: flowstate's worker pools beside db-scheduler, the scheduler a team would
 * pick instead, and beside raw JDBC doing the least an exactly-once job runner must (claim with
 * {@code SKIP LOCKED}, write, delete the job, one commit). The same work on the same PostgreSQL:
 * one HikariCP pool of threads + 2, N jobs, each job writing one row per object to a side table
 * (one object, or ten); flowstate writes through the run's transaction (exactly once), db-scheduler
 * in a transaction of its own in the task (at least once). Not JMH: a case is seconds of commits
 * over threads.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.flowstate.benchmarks.PeerBenchmark [jobs]
 * </pre>
 *
 * Modes: drain (every job submitted, then the pools start; timed until the last is done) and
 * sustained (the pools run while one thread submits one job at a time). The three systems run one
 * after another for each row, so that a drift of the machine touches all of them. Beside the rates:
 * commits per job ({@code pg_stat_database.xact_commit}, the whole database, which nothing else
 * uses meanwhile) and the share of HOT updates of the system's tables ({@code
 * pg_stat_user_tables}). {@code -Dthreads=1,4,8}, {@code -Dobjects=1,10}, {@code
 * -Dmodes=drain,sustained} and {@code -Dsystems=flowstate,db-scheduler,raw} narrow a run; {@code
 * -Dcheckpoint=true} lets flowstate commit a multi-object workflow's objects together ({@code
 * checkpointEvery}), as a db-scheduler job does. {@code raw-rows} in {@code -Dsystems} adds raw
 * JDBC writing flowstate's own rows (two more columns): the floor for what the contract stores;
 * {@code -Dhistory=false} runs flowstate and raw-rows without history rows; {@code raw-queue}, the
 * same over a layout with a claim table of its own (see {@code RawQueue}).
 */
public final class PeerBenchmark {

  private static final String SCHEMA = "fs_peer";

  /** Whether flowstate (and raw-rows) keep a history row per object run: {@code -Dhistory}. */
  private static final boolean HISTORY =
      Boolean.parseBoolean(java.lang.System.getProperty("history", "true"));

  private PeerBenchmark() {}

  /** One system under test: runs {@code jobs} jobs of {@code objects} writes each. */
  private interface System {
    String name();

    /** Creates the tables; empties them. */
    void prepare(HikariDataSource pool) throws Exception;

    /** Submits {@code jobs} jobs before a drain (not timed, not counted). */
    void submitAll(HikariDataSource pool, int jobs, int objects) throws Exception;

    /** Runs the case (sustained: submitting too), returns seconds. */
    double run(HikariDataSource pool, int threads, int jobs, int objects, boolean sustained)
        throws Exception;

    /** The tables whose updates count for the HOT share. */
    List<String> tables();

    /** Ends what outlives the cases. */
    default void close() {}
  }

  /** The current case's pool behind one DataSource, for what lives through all the cases. */
  private static final class CaseDataSource implements javax.sql.DataSource {
    volatile HikariDataSource current;

    /** Between cases (the case's pool is closed to read its counts): the heartbeat's reads. */
    private final HikariDataSource between = pool(0);

    void endCase() {
      current = between;
    }

    void close() {
      between.close();
    }

    @Override
    public Connection getConnection() throws SQLException {
      return current.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return current.getConnection(user, password);
    }

    @Override
    public java.io.PrintWriter getLogWriter() throws SQLException {
      return current.getLogWriter();
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) throws SQLException {
      current.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      current.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return current.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger() {
      return java.util.logging.Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      return current.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
      return current.isWrapperFor(type);
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> rows = rows(args.length > 0 ? Integer.parseInt(args[0]) : 2_000);
    java.lang.System.out.println();
    boolean withRows = java.lang.System.getProperty("systems", "").contains("raw-rows");
    boolean withQueue = java.lang.System.getProperty("systems", "").contains("raw-queue");
    java.lang.System.out.println(
        "| objects | mode | threads | flowstate | db-scheduler (lock-and-fetch) | raw JDBC"
            + " | flowstate / db-scheduler | flowstate / raw |"
            + (withRows ? " raw JDBC, flowstate's rows | raw rows / db-scheduler |" : "")
            + (withQueue ? " raw JDBC, a claim table | raw queue / db-scheduler |" : ""));
    java.lang.System.out.println(
        "|---|---|---|---|---|---|---|---|"
            + (withRows ? "---|---|" : "")
            + (withQueue ? "---|---|" : ""));
    rows.forEach(java.lang.System.out::println);
  }

  /** Measures every case of the properties, each row printed as it is done; returns the rows. */
  static List<String> rows(int jobs) throws Exception {
    int[] threadCounts = ints(java.lang.System.getProperty("threads", "1,4,8"));
    int[] objectCounts = ints(java.lang.System.getProperty("objects", "1,10"));
    List<String> modes =
        List.of(java.lang.System.getProperty("modes", "drain,sustained").split(","));
    List<String> only =
        List.of(java.lang.System.getProperty("systems", "flowstate,db-scheduler,raw").split(","));
    List<System> systems =
        java.util.stream.Stream.of(
                new Flowstates(), new DbScheduler(), new RawJdbc(), new RawRows(), new RawQueue())
            .filter(s -> only.contains(s.name().split(" ")[0]))
            .map(System.class::cast)
            .toList();
    try (Connection admin = java.sql.DriverManager.getConnection(BenchDatabase.url());
        Statement s = admin.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      s.execute("CREATE SCHEMA " + SCHEMA);
    }
    List<String> rows = new ArrayList<>();
    // warm-up, untimed: every system through both modes until the JIT has compiled its paths
    // (-Dwarmup jobs a round, default 2,000), so that rows measure running, not compiling.
    int warmup = Integer.getInteger("warmup", 2_000);
    // Each object count measured is warmed up: its paths (a checkpoint of ten objects) are not
    // those of one-object workflows.
    for (int round = 0; round < 2 && warmup > 0; round++) {
      for (int objects : objectCounts) {
        for (System system : systems) {
          try (HikariDataSource pool = pool(4)) {
            system.prepare(pool);
            system.submitAll(pool, warmup, objects);
            system.run(pool, 4, warmup, objects, false);
            system.prepare(pool);
            system.run(pool, 4, warmup, objects, true);
          }
        }
      }
    }
    for (int objects : objectCounts) {
      for (String mode : modes) {
        for (int threads : threadCounts) {
          double[] rates = new double[5];
          String[] details = {"-", "-", "-", "-", "-"};
          for (int i = 0; i < systems.size(); i++) {
            System system = systems.get(i);
            int column =
                List.of("flowstate", "db-scheduler", "raw", "raw-rows", "raw-queue")
                    .indexOf(system.name().split(" ")[0]);
            // a backend reports its counts when it disconnects (or after seconds idle): read
            // them with every connection of the case closed
            HikariDataSource pool = pool(threads);
            double seconds;
            long[] before;
            long[] cpuBefore;
            long[] cpuAfter;
            try {
              system.prepare(pool);
              if (mode.equals("drain")) {
                system.submitAll(pool, jobs, objects);
              }
              pool.getHikariPoolMXBean().softEvictConnections();
              Thread.sleep(500);
              before = stats(system.tables());
              cpuBefore = cpu();
              seconds = system.run(pool, threads, jobs, objects, mode.equals("sustained"));
              cpuAfter = cpu();
            } finally {
              pool.close();
            }
            Thread.sleep(500);
            long[] after = stats(system.tables());
            rates[column] = jobs / seconds;
            long updates = after[1] - before[1];
            long hot = after[2] - before[2];
            details[column] =
                String.format(
                    Locale.ROOT,
                    "%,.0f/s (%.1f commits/job, %.1f kB WAL/job, HOT %s, CPU µs/job %.0f JVM"
                        + " + %.0f other)",
                    rates[column],
                    (after[0] - before[0]) / (double) jobs,
                    (after[3] - before[3]) / 1024.0 / jobs,
                    updates == 0 ? "-" : Math.round(100.0 * hot / updates) + " %",
                    (cpuAfter[0] - cpuBefore[0]) / 1e3 / jobs,
                    ((cpuAfter[1] - cpuBefore[1]) - (cpuAfter[0] - cpuBefore[0])) / 1e3 / jobs);
          }
          String row =
              String.format(
                  Locale.ROOT,
                  "| %d | %s | %d | %s | %s | %s | **%s×** | %s |",
                  objects,
                  mode,
                  threads,
                  details[0],
                  details[1],
                  details[2],
                  ratio(rates[0], rates[1]),
                  ratio(rates[0], rates[2]));
          for (int extra = 3; extra < 5; extra++) {
            if (only.contains(List.of("", "", "", "raw-rows", "raw-queue").get(extra))) {
              row +=
                  String.format(
                      Locale.ROOT, " %s | %s× |", details[extra], ratio(rates[extra], rates[1]));
            }
          }
          java.lang.System.out.println(row);
          rows.add(row);
        }
      }
    }
    systems.forEach(System::close);
    return rows;
  }

  /** {@code a / b}, or "-" where one of them was not measured. */
  private static String ratio(double a, double b) {
    return a > 0 && b > 0 ? String.format(Locale.ROOT, "%.2f", a / b) : "-";
  }

  /**
   * CPU nanoseconds spent so far by this JVM and by the whole machine (from {@code /proc/stat}; on
   * this machine the rest is the database): where a job's cost lies.
   */
  private static long[] cpu() throws java.io.IOException {
    long jvm =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    String[] f =
        java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
            .get(0)
            .trim()
            .split("\\s+");
    long ticks = 0;
    for (int i : new int[] {1, 2, 3, 6, 7}) { // user nice system irq softirq
      ticks += Long.parseLong(f[i]);
    }
    return new long[] {jvm, ticks * 10_000_000L}; // USER_HZ = 100
  }

  private static int[] ints(String list) {
    return java.util.Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static HikariDataSource pool(int threads) {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(BenchDatabase.url());
    pool.setSchema(SCHEMA);
    pool.setMaximumPoolSize(threads + 2);
    return pool;
  }

  /**
   * Commits of the database; updates and HOT updates of {@code tables}; the WAL position (bytes
   * written since, what a commit waits for the disk to take).
   */
  private static long[] stats(List<String> tables) throws SQLException {
    try (Connection c = java.sql.DriverManager.getConnection(BenchDatabase.url());
        Statement s = c.createStatement()) {
      long commits;
      long wal;
      try (ResultSet r =
          s.executeQuery(
              "SELECT xact_commit, (pg_current_wal_lsn() - '0/0')::bigint FROM pg_stat_database"
                  + " WHERE datname = current_database()")) {
        r.next();
        commits = r.getLong(1);
        wal = r.getLong(2);
      }
      try (ResultSet r =
          s.executeQuery(
              "SELECT COALESCE(SUM(n_tup_upd), 0), COALESCE(SUM(n_tup_hot_upd), 0)"
                  + " FROM pg_stat_user_tables WHERE schemaname = '"
                  + SCHEMA
                  + "' AND relname IN ('"
                  + String.join("', '", tables)
                  + "')")) {
        r.next();
        return new long[] {commits, r.getLong(1), r.getLong(2), wal};
      }
    }
  }

  private static void execute(HikariDataSource pool, String... statements) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static void createSide(HikariDataSource pool) throws SQLException {
    execute(
        pool,
        "CREATE TABLE IF NOT EXISTS side (job TEXT NOT NULL, pos INT NOT NULL)",
        "TRUNCATE side");
  }

  private static long sideRows(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM side")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Waits until the side table holds {@code rows} rows. */
  private static void awaitRows(HikariDataSource pool, long rows) throws Exception {
    long deadline = java.lang.System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (sideRows(pool) < rows) {
      if (java.lang.System.nanoTime() > deadline) {
        throw new IllegalStateException("the jobs did not finish in 10 minutes");
      }
      Thread.sleep(10); // a count reads the whole table: more often would load the machine measured
    }
  }

  /** Submits {@code jobs} jobs from one thread while the pools run; returns it started. */
  private static Thread submitter(int jobs, SubmitOne submit, List<Exception> failures) {
    Thread thread =
        new Thread(
            () -> {
              try {
                for (int j = 0; j < jobs; j++) {
                  submit.submit(j);
                }
              } catch (Exception e) {
                failures.add(e);
              }
            },
            "submitter");
    thread.start();
    return thread;
  }

  private interface SubmitOne {
    void submit(int job) throws Exception;
  }

  /** Submits jobs {@code 0..jobs-1} one after another. */
  private static void submitEach(SubmitOne submit, int jobs) throws Exception {
    for (int j = 0; j < jobs; j++) {
      submit.submit(j);
    }
  }

  /** Flowstate: one workflow per job, its objects each one task writing one side row. */
  private static final class Flowstates implements System {
    private final CaseDataSource source = new CaseDataSource();
    private Flowstate flowstate;

    /** The task: one side row through the run's transaction. */
    private static void write(
        BenchDatabase.Item item, dev.flowstate.engine.WorkflowEngine<BenchDatabase.Item> engine) {
      try (PreparedStatement insert =
          DbWorkflowEngine.connection(engine).prepareStatement("INSERT INTO side VALUES (?, ?)")) {
        insert.setString(1, item.name);
        insert.setInt(2, engine.state().tokenPos());
        insert.executeUpdate();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      if (flowstate != null) {
        flowstate.close();
      }
      source.close();
    }

    @Override
    public String name() {
      return "flowstate";
    }

    @Override
    public List<String> tables() {
      return List.of("fs_workflow", "fs_object", "fs_object_run");
    }

    @Override
    public void prepare(HikariDataSource pool) throws Exception {
      createSide(pool);
      source.current = pool;
      if (flowstate == null) {
        // one Flowstate for the whole benchmark, as a service has one for its life: a new one per
        // case would also measure Hibernate starting and the JIT compiling its new classes
        flowstate =
            Flowstate.builder()
                .dataSource(source)
                .schema(SCHEMA)
                .history(HISTORY)
                .build()
                .register(
                    "peer",
                    BenchDatabase.Item.class,
                    Flow.of(Task.named("write", Flowstates::write)));
      }
      execute(
          pool,
          "TRUNCATE "
              + SCHEMA
              + ".fs_workflow_action, "
              + SCHEMA
              + ".fs_object_run, "
              + SCHEMA
              + ".fs_object, "
              + SCHEMA
              + ".fs_workflow",
          "TRUNCATE " + SCHEMA + ".fs_worker");
    }

    @Override
    public void submitAll(HikariDataSource pool, int jobs, int objects) {
      checkpoint(objects);
      // untimed: submitAll, a commit per 500 workflows (sustained mode submits one at a time)
      for (int j = 0; j < jobs; j += 500) {
        List<List<BenchDatabase.Item>> batch = new ArrayList<>();
        for (int k = j; k < Math.min(jobs, j + 500); k++) {
          batch.add(BenchDatabase.items(objects));
        }
        flowstate.submitAll("peer", batch);
      }
    }

    /**
     * With {@code -Dcheckpoint=true}, a workflow commits its objects together, as a db-scheduler
     * job commits its writes: the comparable unit of work for multi-object jobs.
     */
    private void checkpoint(int objects) {
      flowstate.checkpointEvery(
          "peer", Boolean.getBoolean("checkpoint") && objects > 1 ? objects : 1);
    }

    /** A pool of the row's threads; {@code -Dprefetch=n} overrides the pool's default. */
    private static WorkerPool workers(Flowstate f, int threads) {
      WorkerPoolBuilder builder = f.workers().threads(threads).pollInterval(Duration.ofMillis(100));
      String prefetch = java.lang.System.getProperty("prefetch");
      if (prefetch != null) {
        builder.prefetch(Integer.parseInt(prefetch));
      }
      return builder.start();
    }

    @Override
    public double run(HikariDataSource pool, int threads, int jobs, int objects, boolean sustained)
        throws Exception {
      checkpoint(objects);
      Flowstate f = flowstate;
      {
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long started = java.lang.System.nanoTime();
        try (WorkerPool workers = workers(f, threads)) {
          if (sustained) {
            submitter(jobs, j -> f.submit("peer", BenchDatabase.items(objects)), failures).join();
          }
          awaitRows(pool, (long) jobs * objects);
          double seconds = (java.lang.System.nanoTime() - started) / 1e9;
          if (!failures.isEmpty()) {
            throw failures.get(0);
          }
          return seconds;
        } finally {
          source.endCase();
        }
      }
    }
  }

  /** db-scheduler with lock-and-fetch: one one-time task per job. */
  private static final class DbScheduler implements System {
    @Override
    public String name() {
      return "db-scheduler";
    }

    @Override
    public List<String> tables() {
      return List.of("scheduled_tasks");
    }

    @Override
    public void prepare(HikariDataSource pool) throws Exception {
      createSide(pool);
      execute(
          pool,
          "CREATE TABLE IF NOT EXISTS scheduled_tasks (task_name TEXT NOT NULL, task_instance TEXT"
              + " NOT NULL, task_data BYTEA, execution_time TIMESTAMP WITH TIME ZONE NOT NULL,"
              + " picked BOOLEAN NOT NULL, picked_by TEXT, last_success TIMESTAMP WITH TIME ZONE,"
              + " last_failure TIMESTAMP WITH TIME ZONE, consecutive_failures INT, last_heartbeat"
              + " TIMESTAMP WITH TIME ZONE, version BIGINT NOT NULL, priority SMALLINT, PRIMARY KEY"
              + " (task_name, task_instance))",
          "CREATE INDEX IF NOT EXISTS execution_time_idx ON scheduled_tasks (execution_time)",
          "CREATE INDEX IF NOT EXISTS last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
          "CREATE INDEX IF NOT EXISTS priority_execution_time_idx ON scheduled_tasks"
              + " (priority DESC, execution_time ASC)",
          "TRUNCATE scheduled_tasks");
    }

    private OneTimeTask<Void> task;
    private Scheduler scheduler;

    /** The task and a scheduler of {@code threads}, not started. */
    private void create(HikariDataSource pool, int threads, int objects) {
      task =
          Tasks.oneTime("peer")
              .execute(
                  (instance, context) -> {
                    try (Connection c = pool.getConnection()) {
                      c.setAutoCommit(false);
                      try (PreparedStatement insert =
                          c.prepareStatement("INSERT INTO side VALUES (?, ?)")) {
                        for (int o = 0; o < objects; o++) {
                          insert.setString(1, instance.getId());
                          insert.setInt(2, o);
                          insert.addBatch();
                        }
                        insert.executeBatch();
                      }
                      c.commit();
                    } catch (SQLException e) {
                      throw new IllegalStateException(e);
                    }
                  });
      scheduler =
          Scheduler.create(pool, task)
              .threads(threads)
              .pollUsingLockAndFetch(0.5, 3.0)
              .pollingInterval(Duration.ofMillis(100))
              .enableImmediateExecution()
              .build();
    }

    @Override
    public void submitAll(HikariDataSource pool, int jobs, int objects) {
      create(pool, 1, objects); // run creates the case's own, of its threads
      for (int j = 0; j < jobs; j++) {
        scheduler.schedule(task.schedulableInstance("job-" + j));
      }
    }

    @Override
    public double run(HikariDataSource pool, int threads, int jobs, int objects, boolean sustained)
        throws Exception {
      create(pool, threads, objects);
      List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      long started = java.lang.System.nanoTime();
      scheduler.start();
      try {
        if (sustained) {
          submitter(jobs, j -> scheduler.schedule(task.schedulableInstance("job-" + j)), failures)
              .join();
        }
        awaitRows(pool, (long) jobs * objects);
        double seconds = (java.lang.System.nanoTime() - started) / 1e9;
        if (!failures.isEmpty()) {
          throw failures.get(0);
        }
        return seconds;
      } finally {
        scheduler.stop();
      }
    }
  }

  /**
   * The least an exactly-once job runner must do: each thread on its own connection claims one job
   * ({@code FOR UPDATE SKIP LOCKED}), writes its rows, deletes the job: one commit per job.
   */
  private static final class RawJdbc implements System {
    @Override
    public String name() {
      return "raw JDBC";
    }

    @Override
    public List<String> tables() {
      return List.of("raw_job");
    }

    @Override
    public void prepare(HikariDataSource pool) throws Exception {
      createSide(pool);
      execute(
          pool,
          "CREATE TABLE IF NOT EXISTS raw_job (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL,"
              + " objects INT NOT NULL)",
          "TRUNCATE raw_job");
    }

    @Override
    public void submitAll(HikariDataSource pool, int jobs, int objects) throws Exception {
      submitEach(submitOne(pool, objects), jobs);
    }

    private static SubmitOne submitOne(HikariDataSource pool, int objects) {
      return j -> {
        try (Connection c = pool.getConnection();
            PreparedStatement insert =
                c.prepareStatement("INSERT INTO raw_job (name, objects) VALUES (?, ?)")) {
          insert.setString(1, "job-" + j);
          insert.setInt(2, objects);
          insert.executeUpdate();
        }
      };
    }

    @Override
    public double run(HikariDataSource pool, int threads, int jobs, int objects, boolean sustained)
        throws Exception {
      List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      SubmitOne submit = submitOne(pool, objects);
      AtomicInteger done = new AtomicInteger();
      long started = java.lang.System.nanoTime();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread worker = new Thread(() -> work(pool, jobs, done, failures), "raw-" + t);
        worker.start();
        workers.add(worker);
      }
      if (sustained) {
        submitter(jobs, submit, failures).join();
      }
      for (Thread worker : workers) {
        worker.join();
      }
      double seconds = (java.lang.System.nanoTime() - started) / 1e9;
      if (!failures.isEmpty()) {
        throw failures.get(0);
      }
      return seconds;
    }

    private static void work(
        HikariDataSource pool, int jobs, AtomicInteger done, List<Exception> failures) {
      try (Connection c = pool.getConnection();
          PreparedStatement claim =
              c.prepareStatement(
                  "SELECT id, name, objects FROM raw_job ORDER BY id LIMIT 1 FOR UPDATE SKIP"
                      + " LOCKED");
          PreparedStatement write = c.prepareStatement("INSERT INTO side VALUES (?, ?)");
          PreparedStatement delete = c.prepareStatement("DELETE FROM raw_job WHERE id = ?")) {
        c.setAutoCommit(false);
        while (done.get() < jobs) {
          try (ResultSet r = claim.executeQuery()) {
            if (!r.next()) {
              c.commit();
              Thread.sleep(1); // nothing due yet (sustained mode)
              continue;
            }
            long id = r.getLong(1);
            for (int o = 0; o < r.getInt(3); o++) {
              write.setString(1, r.getString(2));
              write.setInt(2, o);
              write.addBatch();
            }
            write.executeBatch();
            delete.setLong(1, id);
            delete.executeUpdate();
          }
          c.commit();
          done.incrementAndGet();
        }
      } catch (Exception e) {
        failures.add(e);
      }
    }
  }

  /**
   * Raw JDBC writing what flowstate's contract stores (opt-in: {@code -Dsystems=...,raw-rows}): the
   * floor for a runner that keeps per-object status, result and history in flowstate's own tables,
   * with none of its machinery. Workflows are submitted by a Flowstate (the same rows, the same
   * cost); each thread then claims up to four due workflows in one statement (owner and lease set,
   * RUNNING, the first object RUNNING: the committed start of SEMANTICS §7) and commits, and runs
   * each in one transaction: one side row per object, one statement each, as flowstate's tasks
   * write them, then one statement that ends the workflow (fenced by its owner), stores every
   * object COMPLETED with its data and inserts a history row per object; one commit. What it leaves
   * out: savepoints (a failed object would lose the earlier ones' writes), JSON decoded into
   * objects and back, events, leases renewed, any read beyond the claim. It models checkpoint mode
   * (the run in one transaction after its claim); beside ten-object rows, read it with {@code
   * -Dcheckpoint=true}.
   */
  private static class RawRows implements System {
    final Flowstates submitter = new Flowstates();

    private static final String CLAIM =
        "WITH c AS (SELECT id FROM fs_workflow WHERE resume_at <= now() AND status = 'NEW'"
            + " AND owner IS NULL ORDER BY resume_at LIMIT 4 FOR UPDATE SKIP LOCKED),"
            + " s AS (UPDATE fs_object o SET status = 'RUNNING', modified_at = now(),"
            + " version = o.version + 1 WHERE o.workflow_id = ANY (ARRAY(SELECT id FROM c))"
            + " AND o.pos = 0)"
            + " UPDATE fs_workflow w SET owner = ?, lease_until = now() + interval '30 seconds',"
            + " status = 'RUNNING', token_pos = 0, resume_at = NULL, modified_at = now(),"
            + " version = w.version + 1 WHERE w.id = ANY (ARRAY(SELECT id FROM c))"
            + " RETURNING w.id, (SELECT array_agg(o.data::text ORDER BY o.pos) FROM fs_object o"
            + " WHERE o.workflow_id = w.id)";

    /** The end's parameters: id, owner, last position, then the objects' (see {@link #end}). */
    static final String KEYS = "WITH k AS (SELECT ?::uuid AS id, ?::text AS owner, ?::int AS p),";

    /** The workflow ended (fenced by its owner) and its objects stored COMPLETED. */
    private static final String ENDED =
        KEYS
            + " w AS (UPDATE fs_workflow SET status = 'COMPLETED', owner = NULL,"
            + " lease_until = NULL, token_pos = k.p, modified_at = now(), version = version + 1"
            + " FROM k WHERE fs_workflow.id = k.id AND fs_workflow.owner = k.owner"
            + " RETURNING fs_workflow.id),"
            + objectsEnded("fs_object");

    /** The objects of {@code w} stored COMPLETED with their data, from two arrays. */
    static String objectsEnded(String table) {
      return " o AS (UPDATE "
          + table
          + " o SET status = 'COMPLETED', data = v.data::jsonb,"
          + " modified_at = now(), version = o.version + 1"
          + " FROM unnest(?::int[], ?::text[]) AS v(pos, data), w"
          + " WHERE o.workflow_id = w.id AND o.pos = v.pos)";
    }

    /**
     * What ends a run after {@code ended}: a history row per object, or (without history) nothing,
     * its two parameters bound and unused all the same.
     */
    static String end(String ended, String history, String sequence) {
      return HISTORY
          ? ended
              + " INSERT INTO "
              + history
              + " (id, workflow_id, pos, started_at, ended_at, outcome,"
              + " callback_pos) SELECT nextval('"
              + sequence
              + "'), w.id, v.pos, ?, now(),"
              + " 'COMPLETED', '[0]'::jsonb FROM unnest(?::int[]) AS v(pos), w"
          : ended + " SELECT count(*) FROM w, (SELECT ?::timestamptz, ?::int[]) AS unused";
    }

    String claimSql() {
      return CLAIM;
    }

    String endSql() {
      return end(ENDED, "fs_object_run", "fs_object_run_seq");
    }

    @Override
    public String name() {
      return "raw-rows";
    }

    @Override
    public List<String> tables() {
      return submitter.tables();
    }

    @Override
    public void prepare(HikariDataSource pool) throws Exception {
      submitter.prepare(pool);
    }

    @Override
    public void submitAll(HikariDataSource pool, int jobs, int objects) throws Exception {
      submitter.submitAll(pool, jobs, objects);
    }

    /** One submit while the workers run (sustained mode). */
    SubmitOne submitOne(HikariDataSource pool, int objects) {
      Flowstate f = submitter.flowstate;
      return j -> f.submit("peer", BenchDatabase.items(objects));
    }

    @Override
    public void close() {
      submitter.close();
    }

    @Override
    public double run(HikariDataSource pool, int threads, int jobs, int objects, boolean sustained)
        throws Exception {
      List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicInteger done = new AtomicInteger();
      long started = java.lang.System.nanoTime();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String owner = name() + "-" + t;
        Thread worker = new Thread(() -> work(pool, owner, jobs, done, failures), name() + t);
        worker.start();
        workers.add(worker);
      }
      try {
        if (sustained) {
          submitter(jobs, submitOne(pool, objects), failures).join();
        }
        for (Thread worker : workers) {
          worker.join();
        }
      } finally {
        submitter.source.endCase();
      }
      double seconds = (java.lang.System.nanoTime() - started) / 1e9;
      if (!failures.isEmpty()) {
        throw failures.get(0);
      }
      return seconds;
    }

    private void work(
        HikariDataSource pool,
        String owner,
        int jobs,
        AtomicInteger done,
        List<Exception> failures) {
      try (Connection c = pool.getConnection();
          PreparedStatement claim = c.prepareStatement(claimSql());
          PreparedStatement write = c.prepareStatement("INSERT INTO side VALUES (?, ?)");
          PreparedStatement end = c.prepareStatement(endSql())) {
        c.setAutoCommit(false);
        claim.setString(1, owner);
        while (done.get() < jobs) {
          List<UUID> ids = new ArrayList<>();
          List<String[]> data = new ArrayList<>();
          try (ResultSet r = claim.executeQuery()) {
            while (r.next()) {
              ids.add(r.getObject(1, UUID.class));
              data.add((String[]) r.getArray(2).getArray());
            }
          }
          c.commit();
          if (ids.isEmpty()) {
            Thread.sleep(1); // nothing due yet (sustained mode)
            continue;
          }
          for (int k = 0; k < ids.size(); k++) {
            String[] objects = data.get(k);
            java.time.OffsetDateTime at = java.time.OffsetDateTime.now();
            Integer[] positions = new Integer[objects.length];
            for (int pos = 0; pos < objects.length; pos++) {
              positions[pos] = pos;
              write.setString(1, ids.get(k).toString());
              write.setInt(2, pos);
              write.executeUpdate();
            }
            java.sql.Array pos = c.createArrayOf("int4", positions);
            end.setObject(1, ids.get(k));
            end.setString(2, owner);
            end.setInt(3, objects.length - 1);
            end.setArray(4, pos);
            end.setArray(5, c.createArrayOf("text", objects));
            end.setObject(6, at);
            end.setArray(7, pos);
            end.execute();
            c.commit();
            done.incrementAndGet();
          }
        }
      } catch (Exception e) {
        failures.add(e);
      }
    }
  }

  /**
   * raw-rows over a different layout (opt-in: {@code -Dsystems=...,raw-queue}): the claim's columns
   * in a narrow table of their own, db-scheduler's shape, a row inserted at submit, updated by the
   * claim and deleted at the end, beside copies of flowstate's tables that keep only the indexes
   * nothing but the claim needed (the workflow's primary key and creation time; the objects' and
   * history's as they are). The wide workflow row is then written at submit, claim and end as now,
   * but no longer changes an indexed column, so the claim and the end can be HOT. What a schema
   * change for issue 21 could gain, measured before it is built. Submits are raw too: one statement
   * a workflow (its row, its objects, its claim row).
   */
  private static final class RawQueue extends RawRows {

    private static final String SUBMIT =
        "WITH w AS (INSERT INTO q_workflow (id, definition_name, definition_fingerprint, status,"
            + " token_pos, callback_pos, version, created_at, modified_at) VALUES (?, 'peer',"
            + " 'raw', 'NEW', -1, '[0]'::jsonb, 0, now(), now()) RETURNING id),"
            + " o AS (INSERT INTO q_object (id, workflow_id, pos, status, data, source_data,"
            + " version, created_at, modified_at) SELECT nextval('fs_object_seq'), w.id, g,"
            + " 'INITIAL', d, d, 0, now(), now() FROM w, generate_series(0, ? - 1) AS g,"
            + " LATERAL (SELECT jsonb_build_object('name', 'item-' || g, 'value', g) AS d) AS x)"
            + " INSERT INTO q_claim (workflow_id, due_at) SELECT id, now() FROM w";

    private static final String CLAIM =
        "WITH c AS (SELECT workflow_id AS id FROM q_claim WHERE due_at <= now()"
            + " AND (owner IS NULL OR lease_until < now()) ORDER BY due_at LIMIT 4"
            + " FOR UPDATE SKIP LOCKED),"
            + " l AS (UPDATE q_claim SET owner = ?, lease_until = now() + interval '30 seconds'"
            + " WHERE workflow_id = ANY (ARRAY(SELECT id FROM c)) RETURNING workflow_id),"
            + " s AS (UPDATE q_object o SET status = 'RUNNING', modified_at = now(),"
            + " version = o.version + 1 WHERE o.workflow_id = ANY (ARRAY(SELECT id FROM c))"
            + " AND o.pos = 0)"
            + " UPDATE q_workflow w SET status = 'RUNNING', token_pos = 0, modified_at = now(),"
            + " version = w.version + 1 WHERE w.id = ANY (ARRAY(SELECT workflow_id FROM l))"
            + " RETURNING w.id, (SELECT array_agg(o.data::text ORDER BY o.pos) FROM q_object o"
            + " WHERE o.workflow_id = w.id)";

    private static final String ENDED =
        KEYS
            + " d AS (DELETE FROM q_claim USING k WHERE q_claim.workflow_id = k.id"
            + " AND q_claim.owner = k.owner RETURNING q_claim.workflow_id),"
            + " w AS (UPDATE q_workflow SET status = 'COMPLETED', token_pos = k.p,"
            + " modified_at = now(), version = version + 1 FROM k, d"
            + " WHERE q_workflow.id = d.workflow_id RETURNING q_workflow.id),"
            + objectsEnded("q_object");

    @Override
    public String name() {
      return "raw-queue";
    }

    @Override
    public List<String> tables() {
      return List.of("q_workflow", "q_object", "q_run", "q_claim");
    }

    @Override
    String claimSql() {
      return CLAIM;
    }

    @Override
    String endSql() {
      return end(ENDED, "q_run", "fs_object_run_seq");
    }

    @Override
    public void prepare(HikariDataSource pool) throws Exception {
      submitter.prepare(pool); // the side table, and flowstate's tables to copy the shapes of
      execute(
          pool,
          "DROP TABLE IF EXISTS q_claim, q_run, q_object, q_workflow",
          "CREATE TABLE q_workflow (LIKE fs_workflow INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
              + " WITH (fillfactor = 80)",
          "ALTER TABLE q_workflow ADD PRIMARY KEY (id)",
          "CREATE INDEX q_workflow_created_ix ON q_workflow (created_at, id)",
          "CREATE TABLE q_object (LIKE fs_object INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
              + " WITH (fillfactor = 80)",
          "ALTER TABLE q_object ADD PRIMARY KEY (id), ADD UNIQUE (workflow_id, pos),"
              + " ADD FOREIGN KEY (workflow_id) REFERENCES q_workflow (id) ON DELETE CASCADE",
          "CREATE TABLE q_run (LIKE fs_object_run INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
          "ALTER TABLE q_run ADD PRIMARY KEY (id),"
              + " ADD FOREIGN KEY (workflow_id) REFERENCES q_workflow (id) ON DELETE CASCADE",
          "CREATE INDEX q_run_workflow_ix ON q_run (workflow_id, pos)",
          "CREATE INDEX q_run_ended_ix ON q_run (ended_at)",
          "CREATE TABLE q_claim (workflow_id UUID PRIMARY KEY REFERENCES q_workflow (id)"
              + " ON DELETE CASCADE, due_at TIMESTAMPTZ NOT NULL, owner TEXT,"
              + " lease_until TIMESTAMPTZ) WITH (fillfactor = 80)",
          "CREATE INDEX q_claim_due_ix ON q_claim (due_at)");
    }

    @Override
    public void submitAll(HikariDataSource pool, int jobs, int objects) throws Exception {
      submitEach(submitOne(pool, objects), jobs);
    }

    @Override
    SubmitOne submitOne(HikariDataSource pool, int objects) {
      return j -> {
        try (Connection c = pool.getConnection();
            PreparedStatement insert = c.prepareStatement(SUBMIT)) {
          insert.setObject(1, UUID.randomUUID());
          insert.setInt(2, objects);
          insert.executeUpdate();
        }
      };
    }
  }
}
