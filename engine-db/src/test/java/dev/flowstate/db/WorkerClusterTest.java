package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker pools in several JVMs sharing one PostgreSQL (issue 10): clustering (two worker JVMs and
 * this one run 10,000 workflows, each exactly once) and takeover (one of two worker JVMs is killed
 * with SIGKILL mid-run; the other finishes what it held once the leases expire). Each task writes a
 * side row through the run's transaction, which commits with its object (exactly once), and a line
 * to its JVM's file outside it, which records every execution (at least once).
 */
class WorkerClusterTest extends DatabaseTest {

  @TempDir Path files;

  private final List<Process> workers = new ArrayList<>();

  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }

  @BeforeEach
  void open() throws SQLException {
    db = database();
    flowstate = db.pooledFlowstate().maxConnections(8).build(); // migrates the schema
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE side (workflow_id VARCHAR(40), pos INT, task VARCHAR(20))");
    }
  }

  @AfterEach
  void killLeftovers() {
    workers.forEach(Process::destroyForcibly);
  }

  /** A worker JVM running a pool; its first line names the pool. */
  private Process worker(String name, int threads, Duration lease, long sleepMillis)
      throws IOException {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty(
                    "surefire.test.class.path", System.getProperty("java.class.path")),
                Worker.class.getName(),
                db.jdbcUrl(),
                db.schema(),
                "pool",
                String.valueOf(threads),
                String.valueOf(lease.toMillis()),
                files.resolve(name + ".txt").toString(),
                String.valueOf(sleepMillis))
            .redirectError(files.resolve(name + "-err.txt").toFile())
            .start();
    workers.add(process);
    return process;
  }

  private String poolName(Process worker, String name) throws IOException {
    String line =
        new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertThat(line)
        .as(() -> "the worker's first line; its stderr: " + stderr(name))
        .startsWith("pool ");
    return line.substring("pool ".length());
  }

  private List<String> rowsQuietly(String sql) {
    try {
      return rows(sql);
    } catch (SQLException e) {
      return List.of(e.toString());
    }
  }

  private String stderr(String name) {
    try {
      return Files.readString(files.resolve(name + "-err.txt"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Closes the worker's stdin (a graceful stop) and returns its last line, its counts. */
  private String stop(Process worker) throws Exception {
    worker.getOutputStream().close();
    assertThat(worker.waitFor(120, TimeUnit.SECONDS)).as("the worker stops").isTrue();
    String last = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        last = line;
      }
    }
    assertThat(worker.exitValue()).isZero();
    return last;
  }

  private static long completedOf(String[] stats) {
    return Long.parseLong(stats[2]);
  }

  private int count(String sql) throws SQLException {
    return Integer.parseInt(rows(sql).get(0));
  }

  private void awaitCompleted(int workflows, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (count("SELECT COUNT(*) FROM fs_workflow WHERE status = 'COMPLETED'") < workflows) {
      assertThat(System.nanoTime()).as("all completed within " + max).isLessThan(deadline);
      for (Process worker : workers) {
        assertThat(worker.isAlive() || worker.exitValue() == 137)
            .as("worker alive; stderr in " + files)
            .isTrue();
      }
      Thread.sleep(250);
    }
  }

  /** How often each (workflow, position, task) was executed, over every JVM's file. */
  private Map<String, Integer> executions() throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    try (var listing = Files.list(files)) {
      for (Path file : listing.filter(f -> !f.toString().endsWith("-err.txt")).toList()) {
        for (String line : Files.readAllLines(file)) {
          counts.merge(line, 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  private void assertSideRowsExactlyOnce(int expected) throws SQLException {
    assertThat(count("SELECT COUNT(*) FROM side")).isEqualTo(expected);
    assertThat(
            count(
                "SELECT COUNT(*) FROM (SELECT workflow_id, pos, task FROM side"
                    + " GROUP BY workflow_id, pos, task HAVING COUNT(*) > 1) x"))
        .isZero();
  }

  @Test
  void clustering_twoWorkerJvmsAndThisOne_completeTenThousandWorkflows_eachExactlyOnce()
      throws Exception {
    int total = Integer.getInteger("flowstate.clusterWorkflows", 10_000);
    Process first = worker("first", 4, Duration.ofSeconds(10), 0);
    Process second = worker("second", 4, Duration.ofSeconds(10), 0);
    String firstName = poolName(first, "first");
    String secondName = poolName(second, "second");
    flowstate.register(
        "cluster", Doc.class, Worker.clusterDefinition(db.schema(), files.resolve("this.txt"), 0));
    WorkerPool here = flowstate.workers().threads(4).start();

    long began = System.nanoTime();
    // submitted while the pools run, from two threads, as services would
    ExecutorService submitters = Executors.newFixedThreadPool(2);
    List<Future<?>> submitting = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int from = t * total / 2;
      int to = (t + 1) * total / 2;
      submitting.add(
          submitters.submit(
              () -> {
                for (int i = from; i < to; i++) {
                  flowstate.submit("cluster", Doc.docs("w" + i));
                }
              }));
    }
    for (Future<?> f : submitting) {
      f.get(10, TimeUnit.MINUTES);
    }
    submitters.shutdown();
    awaitCompleted(total, Duration.ofMinutes(8));
    here.close();
    String[] firstStats = stop(first).split(" ");
    String[] secondStats = stop(second).split(" ");

    System.out.printf(
        "clustering: %d workflows completed in %.1f s after the first submit; pools: %d, %d, %d%n",
        total,
        (System.nanoTime() - began) / 1e9,
        completedOf(firstStats),
        completedOf(secondStats),
        here.stats().completed());
    assertThat(count("SELECT COUNT(*) FROM fs_workflow")).isEqualTo(total);
    assertThat(rows("SELECT DISTINCT status, owner FROM fs_workflow"))
        .containsExactly("COMPLETED | null");
    assertSideRowsExactlyOnce(total * 2);
    Map<String, Integer> executions = executions();
    assertThat(executions).hasSize(total * 2);
    assertThat(executions.values()).containsOnly(1); // none run by two workers, nor twice
    // every pool took a share, and their counts add up
    long fromFirst = Long.parseLong(firstStats[2]);
    long fromSecond = Long.parseLong(secondStats[2]);
    assertThat(fromFirst).isPositive();
    assertThat(fromSecond).isPositive();
    assertThat(here.stats().completed()).isPositive();
    assertThat(fromFirst + fromSecond + here.stats().completed()).isEqualTo(total);
    assertThat(rows("SELECT worker, status_label, completed FROM fs_worker_status ORDER BY worker"))
        .contains(
            firstName.replace(" ", "") + " | Stopped | " + fromFirst,
            secondName.replace(" ", "") + " | Stopped | " + fromSecond);
  }

  @Test
  void takeover_oneOfTwoWorkerJvmsKilledMidRun_theOtherFinishesWhatItHeld_onceTheLeasesExpire()
      throws Exception {
    int total = 60;
    int objects = 4;
    Duration lease = Duration.ofSeconds(2);
    Process victim = worker("victim", 4, lease, 100);
    Process survivor = worker("survivor", 4, lease, 100);
    String victimName = poolName(victim, "victim");
    poolName(survivor, "survivor");
    flowstate.register(
        "cluster", Doc.class, Worker.clusterDefinition(db.schema(), files.resolve("this.txt"), 0));
    for (int i = 0; i < total; i++) {
      List<Doc> docs = new ArrayList<>();
      for (int o = 0; o < objects; o++) {
        docs.add(new Doc("w" + i + "-" + o, 0));
      }
      flowstate.submit("cluster", docs);
    }

    // kill -9 while the victim holds workflows in mid-run
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (count(
            "SELECT COUNT(*) FROM fs_workflow WHERE owner = '"
                + victimName
                + "' AND status = 'RUNNING' AND token_pos > 0")
        < 2) {
      assertThat(System.nanoTime())
          .as(
              () ->
                  "the victim holds workflows; its stderr: "
                      + stderr("victim")
                      + "; the rows: "
                      + rowsQuietly("SELECT worker, claimed, completed FROM fs_worker_status"))
          .isLessThan(deadline);
      Thread.sleep(5);
    }
    victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    int held = count("SELECT COUNT(*) FROM fs_workflow WHERE owner = '" + victimName + "'");

    awaitCompleted(total, Duration.ofMinutes(3));
    String[] survivorStats = stop(survivor).split(" ");

    // no more than its 4 threads and the default prefetch (twice the threads) claimed ahead
    assertThat(held).isBetween(1, 12);
    assertThat(rows("SELECT DISTINCT status, owner FROM fs_workflow"))
        .containsExactly("COMPLETED | null");
    assertSideRowsExactlyOnce(total * objects * 2);
    // executed twice at most, and only the objects the victim was in when it died
    Map<String, Integer> executions = executions();
    assertThat(executions).hasSize(total * objects * 2);
    assertThat(executions.values()).allSatisfy(n -> assertThat(n).isBetween(1, 2));
    long twice =
        executions.entrySet().stream()
            .filter(e -> e.getValue() == 2)
            .map(e -> e.getKey().substring(0, e.getKey().lastIndexOf(' ')))
            .distinct()
            .count();
    System.out.printf(
        "takeover: the killed pool held %d workflows; %d objects ran twice (their stored results"
            + " once); all %d completed%n",
        held, twice, total);
    assertThat(twice).isLessThanOrEqualTo(held);
    assertThat(Long.parseLong(survivorStats[1])).isGreaterThanOrEqualTo(held);
    assertThat(
            rows("SELECT status_label FROM fs_worker_status WHERE worker = '" + victimName + "'"))
        .containsExactly("Gone");
  }
}
