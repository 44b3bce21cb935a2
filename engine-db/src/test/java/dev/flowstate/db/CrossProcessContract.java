package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.WorkflowEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A second JVM (same classpath) stores workflows and halts or dies; this process loads them by id
 * and finishes them. One subclass per database.
 */
abstract class CrossProcessContract extends DatabaseTest {

  @TempDir Path logs;

  @BeforeEach
  void open() {
    db = database();
  }

  /** Runs {@link SecondProcess} to its end; returns the ids it printed. */
  List<UUID> secondProcess(int expectedExit, String... mode)
      throws IOException, InterruptedException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                classpath,
                SecondProcess.class.getName(),
                db.jdbcUrl(),
                db.schema() == null ? "-" : db.schema()));
    command.addAll(List.of(mode));
    Path out = logs.resolve("out.txt");
    Path err = logs.resolve("err.txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the second process did not end in 120 s; stderr:\n" + Files.readString(err));
    }
    // Flowstate routes Hibernate's logging to SLF4J itself: no java.util.logging lines
    assertThat(Files.readString(err)).doesNotContain("INFO: HHH");
    assertThat(process.exitValue())
        .as("exit code of the second process; stderr:\n%s", Files.readString(err))
        .isEqualTo(expectedExit);
    List<UUID> ids = new ArrayList<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      if (line.startsWith("id ")) {
        ids.add(UUID.fromString(line.substring(3)));
      }
    }
    return ids;
  }

  void openHere() {
    openHere(null);
  }

  /**
   * @param databaseClock stands in for the database's clock (time moved ahead), or null
   */
  void openHere(java.time.Clock databaseClock) {
    flowstate = db.flowstate().databaseClock(databaseClock).build();
    flowstate.register("cross", Doc.class, SecondProcess.FLOW);
    flowstate.register("nested", Doc.class, SecondProcess.NESTED);
  }

  /**
   * After a kill -9 the dead process's lease still runs: loading is refused, naming it; once the
   * lease has expired (a clock a minute ahead, instead of waiting) the workflow is interrupted and
   * this process takes it over.
   */
  void openHereAfterTheDeadOwnersLease(UUID id) {
    openHere();
    assertThatThrownBy(() -> flowstate.load(id, Doc.class))
        .isInstanceOfSatisfying(
            OwnershipException.class, e -> assertThat(e.owner()).contains(":").isNotBlank())
        .hasMessageContaining("is held by ");
    flowstate.close();
    openHere(java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(1)));
  }

  @Test
  void haltedInAnotherProcess_finishedHereWithEachRestart_likeTheEngineThatHalted()
      throws Exception {
    RestartPosition[][] cells = {
      {RestartPosition.CURRENT, RestartPosition.NEXT},
      {RestartPosition.CURRENT, RestartPosition.CURRENT},
      {RestartPosition.NEXT, RestartPosition.FIRST},
      {RestartPosition.FIRST, RestartPosition.FIRST},
    };
    List<UUID> ids = secondProcess(0, "halt", String.valueOf(cells.length));
    assertThat(ids).hasSize(cells.length);
    openHere();
    ObjectMapper json = new ObjectMapper();

    for (int c = 0; c < cells.length; c++) {
      UUID id = ids.get(c);
      assertThat(
              rows(
                  "SELECT status, token_pos, callback_pos, halt_message FROM fs_workflow WHERE id = '"
                      + id
                      + "'"))
          .containsExactly("HALTED | 1 | [1,1] | stophere");
      List<Doc> memoryObjects = Doc.docs("A", "B", "C", "D", "E");
      WorkflowEngine<Doc> memory = new WorkflowEngine<>(SecondProcess.FLOW);
      assertThatThrownBy(() -> memory.process(memoryObjects)).isInstanceOf(HaltProcessing.class);
      memory.restart(cells[c][0], cells[c][1]);

      DbWorkflowEngine<Doc> engine = flowstate.load(id, Doc.class);
      assertThat(engine.extraData()).containsEntry("haltedBy", "process 2");
      engine.restart(cells[c][0], cells[c][1]);

      List<String> expected = new ArrayList<>();
      for (int i = 0; i < memoryObjects.size(); i++) {
        expected.add(json.writeValueAsString(memoryObjects.get(i)));
      }
      assertThat(rows("SELECT data FROM fs_object WHERE workflow_id = '" + id + "' ORDER BY pos"))
          .as("objects after restart(%s, %s)", cells[c][0], cells[c][1])
          .isEqualTo(expected.stream().map(s -> s.replace(" ", "")).toList());
      assertThat(engine.state()).isEqualTo(memory.state());
      assertThat(flowstate.status(id)).contains(WorkflowStatus.COMPLETED);
    }
  }

  @Test
  void processKilledMidObject_durable_leavesThatObjectRunning_andResumeFinishesIt()
      throws Exception {
    UUID id = secondProcess(42, "crash").get(0);
    openHereAfterTheDeadOwnersLease(id);

    assertThat(rows("SELECT status, token_pos FROM fs_workflow")).containsExactly("RUNNING | 2");
    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":0,\"name\":\"A\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "1 | COMPLETED | {\"n\":0,\"name\":\"X\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "2 | RUNNING | {\"n\":0,\"name\":\"C\",\"seen\":[]}",
            "3 | INITIAL | {\"n\":0,\"name\":\"D\",\"seen\":[]}",
            "4 | INITIAL | {\"n\":0,\"name\":\"E\",\"seen\":[]}");

    flowstate.load(id, Doc.class).resume();

    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
    assertThat(rows("SELECT pos, status, data FROM fs_object WHERE pos >= 2 ORDER BY pos"))
        .containsExactly(
            "2 | COMPLETED | {\"n\":0,\"name\":\"C\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "3 | COMPLETED | {\"n\":0,\"name\":\"D\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "4 | COMPLETED | {\"n\":0,\"name\":\"E\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}");
  }

  @Test
  void processKilledMidObject_checkpointEvery2_resumeReplaysSinceTheLastCheckpoint()
      throws Exception {
    UUID id = secondProcess(42, "crash-checkpoint").get(0);
    openHereAfterTheDeadOwnersLease(id);

    // C ended after the checkpoint at X and was never written; D was running
    assertThat(rows("SELECT status, token_pos FROM fs_workflow")).containsExactly("RUNNING | 1");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED", "1 | COMPLETED", "2 | INITIAL", "3 | INITIAL", "4 | INITIAL");

    flowstate.load(id, Doc.class).resume();

    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
    assertThat(rows("SELECT pos, status, data FROM fs_object WHERE pos >= 2 ORDER BY pos"))
        .containsExactly(
            "2 | COMPLETED | {\"n\":0,\"name\":\"C\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "3 | COMPLETED | {\"n\":0,\"name\":\"D\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "4 | COMPLETED | {\"n\":0,\"name\":\"E\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}");
  }

  /**
   * Issue 8, defect 3: after a halt at task 2 and a resume right after it, a kill -9 in task 3 was
   * recovered, per the old README, with restart(CURRENT, FIRST): tasks 0–2 ran again on data they
   * had already changed. resume() starts the object again where its run began, at task 3.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"halt-resume-crash", "halt-resume-crash-checkpoint"})
  void killedAfterAResumedHalt_resumeStartsTheObjectWhereItsRunBegan_notAtItsFirstTask(String mode)
      throws Exception {
    UUID id = secondProcess(42, mode).get(0);
    openHereAfterTheDeadOwnersLease(id);
    assertThat(rows("SELECT status, token_pos, callback_pos FROM fs_workflow"))
        .containsExactly("RUNNING | 1 | [1,2]");
    assertThat(rows("SELECT pos, status, data FROM fs_object WHERE pos = 1"))
        .containsExactly("1 | RUNNING | {\"n\":0,\"name\":\"B\",\"seen\":[\"0\",\"1\",\"2\"]}");

    flowstate.load(id, Doc.class).resume();

    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":0,\"name\":\"A\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "1 | COMPLETED | {\"n\":0,\"name\":\"B\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "2 | COMPLETED | {\"n\":0,\"name\":\"C\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "3 | COMPLETED | {\"n\":0,\"name\":\"D\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}",
            "4 | COMPLETED | {\"n\":0,\"name\":\"E\",\"seen\":[\"0\",\"1\",\"2\",\"3\",\"4\"]}");
  }

  /**
   * Issue 8, defect 4: runWorkflow kept its live child engine in extraData, stored as
   * {"running":false}, so a parent resumed in another process started the child afresh and halted
   * again. The child's extra data is stored instead, and the resumed parent goes on as the
   * in-memory engine that halted would.
   */
  @Test
  void haltInsideAChildWorkflow_resumedInAnotherProcess_keepsTheChildsData() throws Exception {
    UUID id = secondProcess(0, "child-halt").get(0);
    openHere();
    assertThat(rows("SELECT status, halt_message, extra_data FROM fs_workflow"))
        .containsExactly("HALTED | childneedsreview | {\"child\":{\"runs\":1}}");
    WorkflowEngine<Doc> memory = new WorkflowEngine<>(SecondProcess.NESTED);
    List<Doc> memoryObjects = Doc.docs("A", "B");
    assertThatThrownBy(() -> memory.process(memoryObjects)).isInstanceOf(HaltProcessing.class);
    memory.restart(RestartPosition.CURRENT, RestartPosition.CURRENT);

    DbWorkflowEngine<Doc> engine = flowstate.load(id, Doc.class);
    engine.restart(RestartPosition.CURRENT, RestartPosition.CURRENT);

    assertThat(engine.hasCompleted()).isTrue();
    assertThat(engine.extraData())
        .isEqualTo(memory.extraData())
        .containsEntry("child", java.util.Map.of("runs", 3));
    ObjectMapper json = new ObjectMapper();
    assertThat(rows("SELECT data FROM fs_object ORDER BY pos"))
        .containsExactly(
            json.writeValueAsString(memoryObjects.get(0)).replace(" ", ""),
            json.writeValueAsString(memoryObjects.get(1)).replace(" ", ""));
  }
}
