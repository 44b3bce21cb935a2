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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash promise with real processes and a real PostgreSQL: a JVM runs a durable (or checkpoint)
 * workflow and is killed with SIGKILL at a random moment; new JVMs resume it with {@code resume()}
 * (and are killed again now and then) until it completes. After every trial: no object lost, none
 * completed twice, the side-table writes made through the run's transaction exactly once, the file
 * writes outside it at least once, and the data equal to an undisturbed run. Trials: {@code
 * -Dflowstate.killTrials} (20 in CI, 200 in the long profile).
 */
class KillNineTest extends DatabaseTest {

  static final int OBJECTS = 40;

  @TempDir Path files;

  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }

  /** How many workflows are killed and resumed: {@code -Dflowstate.killTrials}, 20 by default. */
  int trials() {
    return Integer.getInteger("flowstate.killTrials", 20);
  }

  @BeforeEach
  void open() throws SQLException {
    db = database();
    flowstate = db.flowstate().build(); // migrates the schema
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE side (workflow_id VARCHAR(40), pos INT, task VARCHAR(20))");
    }
  }

  @Test
  void killedAtRandomMoments_everyWorkflowCompletes_sideWritesExactlyOnce_fileWritesAtLeastOnce()
      throws Exception {
    int trials = trials();
    Random random = new Random(Long.getLong("flowstate.killSeed", System.nanoTime()));
    int kills = 0;
    int reruns = 0;
    int lost = 0;
    int duplicated = 0;
    for (int trial = 0; trial < trials; trial++) {
      int checkpointEvery = trial % 2 == 0 ? 1 : 3;
      Path file = files.resolve("mail-" + trial + ".txt");
      Process first = worker("new", String.valueOf(OBJECTS), checkpointEvery, file);
      UUID id = readId(first);
      Thread.sleep(random.nextInt(900));
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      kills++;
      for (int attempt = 0; !completed(id); attempt++) {
        assertThat(attempt).as("trial %d: resumes", trial).isLessThan(12);
        Process next = worker("resume", id.toString(), checkpointEvery, file);
        if (random.nextInt(3) == 0) {
          Thread.sleep(500 + random.nextInt(1500));
          if (next.isAlive()) {
            next.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            kills++;
            continue;
          }
        }
        assertThat(next.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(next.exitValue()).as("trial %d: %s", trial, errors(next)).isIn(0, 1);
      }

      // every object completed once, with the data of an undisturbed run
      assertThat(
              rows("SELECT status FROM fs_object WHERE workflow_id = '" + id + "' GROUP BY status"))
          .containsExactly("COMPLETED");
      List<String> expected = new ArrayList<>();
      for (int pos = 0; pos < OBJECTS; pos++) {
        expected.add(pos + " | {\"n\":1,\"name\":\"d" + pos + "\",\"seen\":[\"book\",\"mail\"]}");
      }
      assertThat(
              rows("SELECT pos, data FROM fs_object WHERE workflow_id = '" + id + "' ORDER BY pos"))
          .as("trial %d: data", trial)
          .isEqualTo(expected);
      assertThat(
              rows(
                  "SELECT pos FROM fs_object_run WHERE workflow_id = '"
                      + id
                      + "'"
                      + " AND outcome = 'COMPLETED' GROUP BY pos HAVING COUNT(*) > 1"))
          .as("objects completed twice")
          .isEmpty();
      // the run's transaction: exactly once; the file: at least once
      Map<Integer, Integer> side =
          counts(rows("SELECT pos FROM side WHERE workflow_id = '" + id + "'"));
      Map<Integer, Integer> mail = counts(Files.readAllLines(file, StandardCharsets.UTF_8));
      for (int pos = 0; pos < OBJECTS; pos++) {
        assertThat(side.getOrDefault(pos, 0))
            .as("trial %d: side rows of object %d", trial, pos)
            .isEqualTo(1);
        assertThat(mail.getOrDefault(pos, 0))
            .as("trial %d: mails of object %d", trial, pos)
            .isPositive();
        lost += side.containsKey(pos) ? 0 : 1;
        duplicated += Math.max(0, side.getOrDefault(pos, 0) - 1);
        reruns += Math.max(0, mail.getOrDefault(pos, 0) - 1);
      }
    }
    System.out.printf(
        "kill -9 harness (%s): %d trials, %d kills, %d objects lost, %d side writes"
            + " duplicated, %d file writes repeated (at least once)%n",
        db.kind(), trials, kills, lost, duplicated, reruns);
  }

  /**
   * A worker JVM is stopped (SIGSTOP, as a long GC pause or a suspended VM) past its lease while
   * this process takes the workflow over and completes it; when the worker continues (SIGCONT), its
   * next save is fenced: it exits with the ownership error and writes nothing more, and every row
   * and side-table write is this process's, exactly once.
   */
  @Test
  void workerPausedPastItsLease_isFencedOutWhenItContinues_andTheTakeOversRowsStand()
      throws Exception {
    Path file = files.resolve("mail-paused.txt");
    Process worker =
        Worker.start(
            files,
            false,
            Worker.class,
            db.jdbcUrl(),
            db.schema(),
            "new",
            "5",
            "1",
            file.toString(),
            "400");
    UUID id = readId(worker);
    // stop it inside a task, after its second mail: no transaction of it holds a lock then
    while (!Files.exists(file) || Files.readAllLines(file).size() < 2) {
      Thread.sleep(5);
    }
    signal(worker, "STOP");
    try {
      Thread.sleep(Worker.LEASE.toMillis() + 1_000);
      try (Flowstate here =
          db.flowstate()
              .build()
              .register("work", Doc.class, Worker.definition(db.schema(), file))) {
        // the stopped worker's lease has expired: the workflow is interrupted, and taken over
        here.load(id, Doc.class).resume();
      }
    } finally {
      signal(worker, "CONT");
    }
    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(worker.exitValue()).as("the paused worker's exit").isEqualTo(5);
    assertThat(rows("SELECT status, owner FROM fs_workflow WHERE id = '" + id + "'"))
        .containsExactly("COMPLETED | null");
    Map<Integer, Integer> side =
        counts(rows("SELECT pos FROM side WHERE workflow_id = '" + id + "'"));
    for (int pos = 0; pos < 5; pos++) {
      assertThat(side.getOrDefault(pos, 0)).as("side rows of object %d", pos).isEqualTo(1);
    }
  }

  private static void signal(Process process, String signal) throws Exception {
    assertThat(
            new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                .start()
                .waitFor())
        .isZero();
  }

  private boolean completed(UUID id) {
    return flowstate.status(id).filter(WorkflowStatus.COMPLETED::equals).isPresent();
  }

  private Process worker(String mode, String arg, int checkpointEvery, Path file)
      throws IOException {
    return Worker.start(
        files,
        false,
        Worker.class,
        db.jdbcUrl(),
        db.schema(),
        mode,
        arg,
        String.valueOf(checkpointEvery),
        file.toString());
  }

  private static UUID readId(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("id ")) {
        return UUID.fromString(line.substring(3));
      }
    }
    throw new AssertionError("the worker ended without printing the workflow id");
  }

  private static String errors(Process process) {
    return "exit " + process.exitValue();
  }

  private static Map<Integer, Integer> counts(List<String> lines) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (String line : lines) {
      if (!line.isBlank()) {
        counts.merge(Integer.parseInt(line.trim()), 1, Integer::sum);
      }
    }
    return counts;
  }
}
