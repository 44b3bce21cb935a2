package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.HaltProcessing;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races to resume one halted workflow on a real PostgreSQL, between threads (each with its own
 * engine) and between JVMs: exactly one proceeds, every other gets the ownership error (or, when it
 * arrives after the end, is told the workflow completed), and no task runs twice. Races: {@code
 * -Dflowstate.threadRaces} (100 in CI) and {@code -Dflowstate.processRaces} (4 in CI).
 */
class ConcurrentResumeTest extends DatabaseTest {

  @TempDir Path logs;

  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }

  @BeforeEach
  void open() throws SQLException {
    db = database();
    flowstate = db.flowstate().build();
    // the threads start together at a barrier: a short hold is enough for them to overlap
    flowstate.register("race", Doc.class, Worker.raceDefinition(db.schema(), 20));
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE side (workflow_id VARCHAR(40), pos INT, task VARCHAR(20))");
    }
  }

  UUID halted() {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("race", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A"))).isInstanceOf(HaltProcessing.class);
    return engine.id();
  }

  @Test
  void threadsRacingToResumeOneHaltedWorkflow_exactlyOneProceeds_noTaskRunsTwice()
      throws Exception {
    int races = Integer.getInteger("flowstate.threadRaces", 100);
    int contenders = 3;
    int refused = 0;
    for (int race = 0; race < races; race++) {
      UUID id = halted();
      List<DbWorkflowEngine<Doc>> engines = new ArrayList<>();
      for (int i = 0; i < contenders; i++) {
        engines.add(flowstate.load(id, Doc.class));
      }
      CyclicBarrier start = new CyclicBarrier(contenders);
      List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (DbWorkflowEngine<Doc> engine : engines) {
        threads.add(
            new Thread(
                () -> {
                  try {
                    start.await(10, TimeUnit.SECONDS);
                    engine.resume();
                    outcomes.add("won");
                  } catch (OwnershipException e) {
                    outcomes.add("refused");
                  } catch (Exception e) {
                    outcomes.add("failed: " + e);
                  }
                }));
      }
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join(60_000);
      }
      assertThat(outcomes)
          .as("race %d", race)
          .containsOnly("won", "refused")
          .containsOnlyOnce("won");
      assertThat(rows("SELECT COUNT(*) FROM side WHERE workflow_id = '" + id + "'"))
          .as("race %d: task runs", race)
          .containsExactly("1");
      assertThat(flowstate.status(id)).contains(WorkflowStatus.COMPLETED);
      refused += contenders - 1;
    }
    System.out.printf(
        "concurrent resume, threads (%s): %d races of %d, %d winners, %d refused, 0 tasks"
            + " run twice%n",
        db.kind(), races, contenders, races, refused);
  }

  @Test
  void processesRacingToResumeOneHaltedWorkflow_exactlyOneProceeds_noTaskRunsTwice()
      throws Exception {
    int races = Integer.getInteger("flowstate.processRaces", 4);
    int overlapping = 0;
    for (int race = 0; race < races; race++) {
      UUID id = halted();
      List<Process> processes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        processes.add(worker(id));
      }
      List<Integer> exits = new ArrayList<>();
      for (Process process : processes) {
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        exits.add(process.exitValue());
      }
      assertThat(exits).as("race %d: exit codes", race).containsOnlyOnce(0).containsAnyOf(5, 6);
      assertThat(exits).doesNotContain(1);
      overlapping += exits.contains(5) ? 1 : 0;
      assertThat(rows("SELECT COUNT(*) FROM side WHERE workflow_id = '" + id + "'"))
          .as("race %d: task runs", race)
          .containsExactly("1");
    }
    System.out.printf(
        "concurrent resume, processes (%s): %d races, %d winners, %d refused while the"
            + " winner ran, %d told it had completed, 0 tasks run twice%n",
        db.kind(), races, races, overlapping, races - overlapping);
  }

  private Process worker(UUID id) throws Exception {
    return Worker.start(logs, true, Worker.class, db.jdbcUrl(), db.schema(), "race", id.toString());
  }
}
