package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.FlowstateException;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowError;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8 ("engine-db you can trust") on every database: failed saves take the error path and leave
 * no row RUNNING, free text is cut to its column, oversized data is refused before the save,
 * created workflows are stored NEW, runs over other objects are defined, and resume() continues
 * every way a run can stop. One subclass per database.
 */
abstract class TrustedStoreContract extends DatabaseTest {

  FaultyDataSource faults;

  /** Whether the fault of a scenario was armed already: it fires once. */
  boolean armed;

  @BeforeEach
  void open() {
    db = database();
    faults = new FaultyDataSource(db.dataSource());
    flowstate =
        Flowstate.builder().dataSource(faults).schema(db.schema()).maxDataLength(10_000).build();
  }

  // ------------------------------------------------------------------ how many save points

  @Test
  void durableRun_commitsOncePerObject_andStopOrAbortShareTheRunsEndCommit() throws SQLException {
    flowstate.register(
        "stopping",
        Doc.class,
        Flow.of(
            Task.named("inc", (d, e) -> d.n++),
            SavePointsContract.on("B", "stop", (d, e) -> e.stop())));
    flowstate.register(
        "aborting",
        Doc.class,
        Flow.of(
            Task.named("inc", (d, e) -> d.n++),
            SavePointsContract.on("B", "abort", (d, e) -> e.abort())));
    flowstate.register("plain", Doc.class, Flow.of(Task.named("inc", (d, e) -> d.n++)));
    Map<String, Integer> commits = new java.util.LinkedHashMap<>();
    for (String name : List.of("plain", "stopping", "aborting")) {
      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow(name, Doc.class);
      int before = faults.commits();
      engine.process(Doc.docs("A", "B", "C"));
      commits.put(name, faults.commits() - before);
    }

    // plain: the start (A marked RUNNING), A done with B marked, B done with C marked, C done
    // with the run's end. A stop or abort on B: its object's end is the run's end, one commit.
    assertThat(commits)
        .containsExactly(entry("plain", 4), entry("stopping", 3), entry("aborting", 3));
    flowstate.register(
        "jumping",
        Doc.class,
        Flow.of(
            Task.named("inc", (d, e) -> d.n++),
            SavePointsContract.on("B", "jump", (d, e) -> e.jumpToken(2))));
    DbWorkflowEngine<Doc> jumping = flowstate.newWorkflow("jumping", Doc.class);
    int before = faults.commits();
    jumping.process(Doc.docs("A", "B", "C", "D", "E"));
    // the start, A done with B marked, B's jump (where the loop goes: nothing to mark yet), D
    // marked as it starts, D done with E marked, E with the run's end
    assertThat(faults.commits() - before).isEqualTo(6);

    assertThat(
            rows(
                "SELECT w.definition_name, o.pos, o.status FROM fs_object o JOIN fs_workflow w"
                    + " ON w.id = o.workflow_id WHERE w.definition_name IN ('stopping', 'aborting')"
                    + " ORDER BY 1, 2"))
        .containsExactly(
            "aborting | 0 | COMPLETED",
            "aborting | 1 | INITIAL",
            "aborting | 2 | INITIAL",
            "stopping | 0 | COMPLETED",
            "stopping | 1 | COMPLETED",
            "stopping | 2 | INITIAL");
  }

  @Test
  void checkpointRun_commitsOncePerNObjects_besidesTheRunsStartAndEnd() throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(Task.named("inc", (d, e) -> d.n++)));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("plain", Doc.class);
    engine.setCheckpointEvery(3);
    int before = faults.commits();

    engine.process(Doc.docs("A", "B", "C", "D", "E", "F", "G"));

    // the start, after C, after F, and the end (with G)
    assertThat(faults.commits() - before).isEqualTo(4);
    assertThat(rows("SELECT status FROM fs_object")).containsOnly("COMPLETED").hasSize(7);
  }

  /** A checkpoint that falls on the last object is the run's end: one commit, not two. */
  @Test
  void checkpointRun_whoseLastCheckpointIsItsLastObject_commitsItWithTheEnd() throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(Task.named("inc", (d, e) -> d.n++)));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("plain", Doc.class);
    engine.setCheckpointEvery(3);
    int before = faults.commits();

    engine.process(Doc.docs("A", "B", "C", "D", "E", "F"));

    // the start, after C, and the end (with D, E and F)
    assertThat(faults.commits() - before).isEqualTo(3);
    assertThat(rows("SELECT status FROM fs_object")).containsOnly("COMPLETED").hasSize(6);
    assertThat(rows("SELECT status, token_pos FROM fs_workflow")).containsExactly("COMPLETED | 5");
  }

  // ------------------------------------------------------------------ submitAll

  @Test
  void submitAll_storesEveryWorkflowDueInOneCommit_andReturnsTheIdsInOrder() throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(Task.named("inc", (d, e) -> d.n++)));
    int before = faults.commits();

    List<UUID> ids =
        flowstate.submitAll("plain", List.of(Doc.docs("A", "B"), Doc.docs("C"), List.of()));

    assertThat(faults.commits() - before).isOne();
    assertThat(ids).hasSize(3).doesNotHaveDuplicates();
    for (UUID id : ids) {
      assertThat(flowstate.status(id)).contains(WorkflowStatus.NEW);
    }
    assertThat(
            rows(
                "SELECT COUNT(*) FROM fs_object WHERE workflow_id = '"
                    + ids.get(0)
                    + "' AND status = 'INITIAL'"))
        .containsExactly("2");
    assertThat(rows("SELECT COUNT(*) FROM fs_object WHERE workflow_id = '" + ids.get(1) + "'"))
        .containsExactly("1");
    assertThat(rows("SELECT COUNT(*) FROM fs_workflow WHERE resume_at IS NOT NULL"))
        .containsExactly("3");
    DbWorkflowEngine<Doc> first = flowstate.load(ids.get(0), Doc.class);
    first.resume();
    assertThat(first.objects()).extracting(d -> d.name + d.n).containsExactly("A1", "B1");
  }

  @Test
  void submitAll_withAnObjectOfAnotherType_storesNone_andNamesTheWorkflowAndObject()
      throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(Task.named("inc", (d, e) -> d.n++)));

    assertThatThrownBy(
            () -> flowstate.submitAll("plain", List.of(Doc.docs("A"), List.of("not a doc"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "object 0 of workflow 1 of submitAll is a java.lang.String, but definition 'plain'"
                + " runs on "
                + Doc.class.getName());
    assertThatThrownBy(
            () -> flowstate.submitAll("plain", java.util.Arrays.asList(Doc.docs("A"), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "workflow 1 of submitAll has null for its objects; pass a List, even an empty one");
    assertThatThrownBy(() -> flowstate.submitAll("plain", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("workflows must not be null");
    assertThat(flowstate.submitAll("plain", List.of())).isEmpty();
    assertThat(rows("SELECT COUNT(*) FROM fs_workflow")).containsExactly("0");
  }

  @Test
  void submitAll_whoseCommitFails_storesNone_andSaysSo() throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(Task.named("inc", (d, e) -> d.n++)));
    faults.failCommit(0);

    assertThatThrownBy(
            () ->
                flowstate.submitAll("plain", List.of(Doc.docs("A"), Doc.docs("B"), Doc.docs("C"))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(
            ": could not save with the other 2 workflow(s) of its submitAll (none of them was"
                + " stored)")
        .hasRootCauseMessage("injected: commit failed");
    assertThat(rows("SELECT COUNT(*) FROM fs_workflow")).containsExactly("0");
    assertThat(rows("SELECT COUNT(*) FROM fs_object")).containsExactly("0");
  }

  // ------------------------------------------------------------------ a save fails

  enum Action {
    NONE,
    HALT,
    ERROR,
    STOP,
    ABORT,
    SKIP,
    CONTINUE,
    JUMP,
    JUMP_BACK_PAST_THE_FIRST
  }

  enum Fault {
    COMMIT_FAILS,
    CONNECTION_RESET
  }

  /**
   * Over A–E: task "0", then task "act" (on object {@code on} it arms the fault once, then does
   * {@code action}; each action happens once per workflow, remembered in extra data), then "1".
   */
  Flow<Doc> faulty(String on, Action action, Fault fault, int commitsToLetThrough) {
    boolean[] jumpedBack = {false};
    return Flow.of(
        SavePointsContract.rec("0"),
        Task.named(
            "act",
            (d, e) -> {
              d.seen.add("act");
              if (!d.name.equals(on)) {
                return;
              }
              if (fault != null && !armed) {
                armed = true;
                if (fault == Fault.COMMIT_FAILS) {
                  faults.failCommit(commitsToLetThrough);
                } else {
                  faults.killConnectionAtNextStatement();
                }
              }
              if (e.extraData().putIfAbsent("did " + action, true) != null) {
                return;
              }
              switch (action) {
                case HALT -> e.halt("needs review", "review", Map.of("on", d.name));
                case ERROR -> throw new IllegalStateException("task failed on " + d.name);
                case STOP -> e.stop();
                case ABORT -> e.abort();
                case SKIP -> e.skipToken();
                case CONTINUE -> e.continueNextToken();
                case JUMP -> e.jumpToken(2);
                case JUMP_BACK_PAST_THE_FIRST -> {
                  // once per workflow: extra data is saved at the run's end, not at this commit,
                  // so a resume from it would jump again
                  if (!jumpedBack[0]) {
                    jumpedBack[0] = true;
                    e.jumpToken(-5);
                  }
                }
                default -> {}
              }
            }),
        SavePointsContract.rec("1"));
  }

  /** Runs a new workflow over A–E, then resume() until it completes; returns its id. */
  UUID runToCompletion(String name, int checkpointEvery, List<Throwable> failures) {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow(name, Doc.class);
    engine.setCheckpointEvery(checkpointEvery);
    try {
      engine.process(Doc.docs("A", "B", "C", "D", "E"));
    } catch (HaltProcessing | FlowstateException e) {
      failures.add(e);
    }
    resumeUntilCompleted(engine, failures);
    return engine.id();
  }

  /** resume() until the workflow completes (a halt or failure at most once per action). */
  void resumeUntilCompleted(DbWorkflowEngine<Doc> engine, List<Throwable> failures) {
    for (int attempt = 0; attempt < 10 && !engine.hasCompleted(); attempt++) {
      try {
        engine.resume();
      } catch (HaltProcessing | FlowstateException e) {
        failures.add(e);
      }
    }
    assertThat(flowstate.status(engine.id()))
        .as("after %s", failures)
        .contains(WorkflowStatus.COMPLETED);
  }

  static Stream<Arguments> savePoints() {
    List<Arguments> cases = new ArrayList<>();
    for (int checkpointEvery : new int[] {1, 2}) {
      for (Fault fault : Fault.values()) {
        cases.add(Arguments.of("B", Action.NONE, fault, 0, checkpointEvery)); // after object B
        cases.add(Arguments.of("B", Action.HALT, fault, 0, checkpointEvery));
        cases.add(Arguments.of("B", Action.ERROR, fault, 0, checkpointEvery));
        cases.add(Arguments.of("B", Action.STOP, fault, 0, checkpointEvery));
        cases.add(Arguments.of("B", Action.ABORT, fault, 0, checkpointEvery));
        cases.add(Arguments.of("B", Action.SKIP, fault, 0, checkpointEvery));
        cases.add(Arguments.of("B", Action.CONTINUE, fault, 0, checkpointEvery));
        cases.add(Arguments.of("B", Action.JUMP, fault, 0, checkpointEvery));
        // the run's end, which commits the last object with it in both modes
        cases.add(Arguments.of("E", Action.NONE, fault, 0, checkpointEvery));
      }
      // after a jump, the start of the object it lands on; a jump back past the first object is
      // stored clamped, as the position before it
      cases.add(Arguments.of("B", Action.JUMP, Fault.COMMIT_FAILS, 1, checkpointEvery));
      cases.add(
          Arguments.of(
              "B", Action.JUMP_BACK_PAST_THE_FIRST, Fault.COMMIT_FAILS, 1, checkpointEvery));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{1} on {0}, {2} after {3} commits, checkpointEvery {4}")
  @MethodSource("savePoints")
  void saveFailingAtASavePoint_recordsTheErrorWithNoRowRunning_andResumeEqualsAnUndisturbedRun(
      String on, Action action, Fault fault, int commitsToLetThrough, int checkpointEvery)
      throws SQLException {
    flowstate.register("undisturbed", Doc.class, faulty(on, action, null, 0));
    flowstate.register("faulty", Doc.class, faulty(on, action, fault, commitsToLetThrough));
    UUID undisturbed = runToCompletion("undisturbed", checkpointEvery, new ArrayList<>());

    List<Throwable> failures = new ArrayList<>();
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("faulty", Doc.class);
    engine.setCheckpointEvery(checkpointEvery);
    Throwable first = null;
    try {
      engine.process(Doc.docs("A", "B", "C", "D", "E"));
    } catch (HaltProcessing | FlowstateException e) {
      first = e;
    }

    assertThat(armed).isTrue();
    assertThat(first).isInstanceOf(WorkflowError.class);
    assertThat(causes(first)).anyMatch(m -> m.startsWith("injected: "));
    assertThat(causes(first)).noneMatch(m -> m.contains("Unable to rollback"));
    assertThat(rows("SELECT status, ended_by FROM fs_workflow WHERE id = '" + engine.id() + "'"))
        .containsExactly("ERROR | SAVE_ERROR");
    assertThat(rows("SELECT pos FROM fs_object WHERE status = 'RUNNING'")).isEmpty();
    assertThat(rows("SELECT last_error FROM fs_workflow WHERE id = '" + engine.id() + "'").get(0))
        .contains("couldnotsave");

    resumeUntilCompleted(engine, failures);
    assertThat(data(engine.id())).isEqualTo(data(undisturbed));
  }

  /** The run's end fails after a jump past the last object: the jump's commit stands, clamped. */
  @Test
  void jumpPastTheLastObject_isStoredAsTheEndOfTheList_whenTheRunsEndCannotBeSaved()
      throws SQLException {
    flowstate.register(
        "far",
        Doc.class,
        Flow.of(
            SavePointsContract.on(
                "B",
                "jump",
                (d, e) -> {
                  faults.failCommit(1); // the jump's commit goes through, the run's end fails
                  e.jumpToken(10);
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("far", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(WorkflowError.class)
        .hasMessageContaining("could not save the end of the run at object 3");

    assertThat(rows("SELECT status, ended_by, token_pos FROM fs_workflow"))
        .containsExactly("ERROR | SAVE_ERROR | 3");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | COMPLETED", "2 | INITIAL");
    assertThat(flowstate.load(engine.id(), Doc.class).state().tokenPos()).isEqualTo(3);
  }

  /**
   * A jump back by one whose next commit fails: the jump's commit stands, naming the object before
   * the one it lands on as the last ended, so the resume starts at the landing object.
   */
  @Test
  void jumpBackByOne_isStoredAsTheObjectBeforeItsLanding_whenTheNextCommitFails()
      throws SQLException {
    flowstate.register(
        "back",
        Doc.class,
        Flow.of(
            SavePointsContract.rec("0"),
            SavePointsContract.on(
                "C",
                "jump",
                (d, e) -> {
                  if (!armed) {
                    armed = true;
                    faults.failCommit(1); // the jump's commit goes through, B's start fails
                    e.jumpToken(-1);
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("back", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D")))
        .isInstanceOf(WorkflowError.class)
        .hasMessageContaining("could not save the start of object 1");

    assertThat(rows("SELECT status, ended_by, token_pos FROM fs_workflow"))
        .containsExactly("ERROR | SAVE_ERROR | 0");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | COMPLETED", "2 | COMPLETED", "3 | INITIAL");

    DbWorkflowEngine<Doc> resumed = flowstate.load(engine.id(), Doc.class);
    assertThat(resumed.state().tokenPos()).isEqualTo(0);
    resumed.resume();
    assertThat(resumed.objects()).extracting(d -> d.seen.size()).containsExactly(2, 4, 4, 2);
  }

  @Test
  void
      databaseGoneDuringARun_theCallerGetsAStoreExceptionWithTheCauseAndTheTaskError_andResumeFinishesOnceItIsBack()
          throws SQLException {
    flowstate.register("undisturbed", Doc.class, faulty("B", Action.NONE, null, 0));
    flowstate.register(
        "down",
        Doc.class,
        Flow.of(
            SavePointsContract.rec("0"),
            Task.named(
                "act",
                (d, e) -> {
                  d.seen.add("act");
                  if (d.name.equals("B") && !armed) {
                    armed = true;
                    faults.goDown();
                    throw new IllegalStateException("task failed on B");
                  }
                }),
            SavePointsContract.rec("1")));
    UUID undisturbed = runToCompletion("undisturbed", 1, new ArrayList<>());
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("down", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D", "E")))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("could not save the failure of task act")
                  .contains("may still read RUNNING");
              assertThat(causes(e)).anyMatch(m -> m.startsWith("injected: "));
              assertThat(e.getSuppressed())
                  .anySatisfy(s -> assertThat(s).hasMessage("task failed on B"))
                  .anySatisfy(s -> assertThat(causes(s)).anyMatch(m -> m.startsWith("injected: ")));
            });
    faults.restore();
    // the process lives on but could not write: the rows are those of the last commit
    assertThat(rows("SELECT status FROM fs_workflow WHERE id = '" + engine.id() + "'"))
        .containsExactly("RUNNING");
    assertThat(rows("SELECT pos FROM fs_object WHERE status = 'RUNNING'")).containsExactly("1");

    engine.resume();

    assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.COMPLETED);
    assertThat(data(engine.id())).isEqualTo(data(undisturbed));
  }

  @Test
  void constraintViolatedAtASavePoint_recordsTheErrorWithNoRowRunning_andResumeFinishesOnceLifted()
      throws SQLException {
    flowstate.register("undisturbed", Doc.class, faulty("B", Action.SKIP, null, 0));
    flowstate.register("skipping", Doc.class, faulty("B", Action.SKIP, null, 0));
    UUID undisturbed = runToCompletion("undisturbed", 1, new ArrayList<>());
    update(
        "ALTER TABLE fs_object ADD CONSTRAINT test_no_skip"
            + " CHECK (status <> 'SKIPPED' OR workflow_id = '"
            + undisturbed
            + "')");
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("skipping", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D", "E")))
        .isInstanceOf(WorkflowError.class)
        .hasMessageContaining("could not save object 1: ");
    assertThat(rows("SELECT status, ended_by FROM fs_workflow WHERE id = '" + engine.id() + "'"))
        .containsExactly("ERROR | SAVE_ERROR");
    assertThat(rows("SELECT pos FROM fs_object WHERE status = 'RUNNING'")).isEmpty();

    update("ALTER TABLE fs_object DROP CONSTRAINT test_no_skip");
    resumeUntilCompleted(engine, new ArrayList<>());
    assertThat(data(engine.id())).isEqualTo(data(undisturbed));
  }

  @Test
  void haltWhoseSaveFails_theErrorCarriesTheHaltWithItsMessageAndPayload() throws SQLException {
    flowstate.register("halting", Doc.class, faulty("B", Action.HALT, Fault.COMMIT_FAILS, 0));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOfSatisfying(
            WorkflowError.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("could not save the halt at task act (\"needs review\")");
              assertThat(e.getSuppressed())
                  .singleElement()
                  .isInstanceOfSatisfying(
                      HaltProcessing.class,
                      halt -> {
                        assertThat(halt.message()).isEqualTo("needs review");
                        assertThat(halt.payload()).isEqualTo(Map.of("on", "B"));
                      });
            });
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | ERROR", "2 | INITIAL");
  }

  /**
   * Issue 8, defect 1: an object a task left unwritable ended as a StoreException with rows
   * RUNNING.
   */
  @Test
  void objectLeftUnwritableByATask_failsTheRunOnTheErrorPath_withNoRowRunning()
      throws SQLException {
    flowstate.register(
        "unwritable",
        Doc.class,
        Flow.of(SavePointsContract.on("B", "spoil", (d, e) -> d.extra = new Object())));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("unwritable", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(WorkflowError.class)
        .hasMessageContaining("could not save object 1: object 1 of workflow")
        .hasRootCauseInstanceOf(StoreException.class)
        .hasRootCauseMessage(
            "property 'extra' is a java.lang.Object, which cannot be stored as it is: it would"
                + " come back as a Map or a String; store its fields in a Map, or keep it in the"
                + " workflow's objects, which are read back as their class. Values whose type the"
                + " JSON does not tell can be "
                + ExtraData.ALLOWED);

    assertThat(rows("SELECT status, ended_by FROM fs_workflow"))
        .containsExactly("ERROR | SAVE_ERROR");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | ERROR", "2 | INITIAL");
    assertThat(rows("SELECT error_text FROM fs_object WHERE pos = 1").get(0))
        .contains("cannotbewrittenasJSON");
  }

  // ------------------------------------------------------------------ text and size

  /**
   * Issue 8, defect 2: a 5,000-character halt message became a StoreException with rows RUNNING.
   */
  @Test
  void haltMessageAndActionLongerThanTheirColumns_areStoredCutWithAnEllipsis() throws SQLException {
    String message = "m".repeat(5_000);
    String action = "a".repeat(300);
    flowstate.register(
        "long",
        Doc.class,
        Flow.of(SavePointsContract.on("A", "h", (d, e) -> e.halt(message, action, null))));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("long", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A")))
        .isInstanceOf(HaltProcessing.class)
        .hasMessage(message);

    assertThat(rows("SELECT status, LENGTH(halt_message), LENGTH(halt_action) FROM fs_workflow"))
        .containsExactly("HALTED | 4000 | 200");
    assertThat(rows("SELECT halt_message FROM fs_workflow").get(0)).endsWith("m...");
  }

  @Test
  void taskErrorLongerThanItsColumns_isStoredCut() throws SQLException {
    flowstate.register(
        "long",
        Doc.class,
        Flow.of(
            SavePointsContract.on(
                "A",
                "x",
                (d, e) -> {
                  throw new IllegalStateException("e".repeat(20_000));
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("long", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A"))).isInstanceOf(WorkflowError.class);

    assertThat(rows("SELECT status, ended_by, LENGTH(last_error) FROM fs_workflow"))
        .containsExactly("ERROR | ERROR | 8000");
    assertThat(rows("SELECT status, LENGTH(error_text) FROM fs_object"))
        .containsExactly("ERROR | 8000");
    assertThat(rows("SELECT LENGTH(message) FROM fs_object_run")).containsExactly("4000");
  }

  /**
   * Issue 8, defect 2: a 60 MB object made embedded H2 run out of memory; a limit refuses it first.
   */
  @Test
  void objectOverTheDataLimit_isRefusedBeforeTheSaveNamingTheLimit() throws SQLException {
    flowstate.register(
        "big",
        Doc.class,
        Flow.of(SavePointsContract.on("B", "grow", (d, e) -> d.extra = "x".repeat(20_000))));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("big", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B")))
        .isInstanceOf(WorkflowError.class)
        .cause()
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("object 1 of workflow " + engine.id() + " is 20")
        .hasMessageContaining("over the limit of 10000 (FlowstateBuilder.maxDataLength)");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | ERROR");
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("ERROR");
  }

  @Test
  void haltPayloadOverTheDataLimit_isRefusedNamingTheLimit_andTheHaltIsKept() throws SQLException {
    flowstate.register(
        "big",
        Doc.class,
        Flow.of(
            SavePointsContract.on(
                "B", "ask", (d, e) -> e.halt("review", "approve", "x".repeat(20_000)))));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("big", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B")))
        .isInstanceOfSatisfying(
            WorkflowError.class,
            e -> {
              assertThat(e.getCause())
                  .isInstanceOf(StoreException.class)
                  .hasMessage(
                      "the halt payload of workflow "
                          + engine.id()
                          + " is 20002 characters of JSON, over the limit of 10000"
                          + " (FlowstateBuilder.maxDataLength); keep large data elsewhere and"
                          + " store a reference to it, or raise the limit");
              assertThat(e.getSuppressed()).singleElement().isInstanceOf(HaltProcessing.class);
            });
    assertThat(rows("SELECT status, ended_by FROM fs_workflow"))
        .containsExactly("ERROR | SAVE_ERROR");
  }

  /** The limit counts every key and value of extra data, as JSON. */
  @Test
  void extraDataOverTheDataLimit_isRefusedAtTheRunsEnd_countingKeysAndValues() throws SQLException {
    String key = "k".repeat(100);
    flowstate.register(
        "big",
        Doc.class,
        // 100 + 9,950 characters: over 10,000 only when the key counts
        Flow.of(
            SavePointsContract.on(
                "B", "note", (d, e) -> e.extraData().put(key, "x".repeat(9_948)))));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("big", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B")))
        .isInstanceOf(WorkflowError.class)
        .cause()
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "extraData of workflow "
                + engine.id()
                + " is 10050 characters of JSON, over the limit of 10000");
    assertThat(rows("SELECT status, ended_by FROM fs_workflow"))
        .containsExactly("ERROR | SAVE_ERROR");
  }

  @Test
  void newWorkflowOverTheDataLimit_storesNothing() throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    Doc big = new Doc("A", 0);
    big.extra = "x".repeat(20_000);

    assertThatThrownBy(() -> flowstate.newWorkflow("plain", Doc.class, List.of(big)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("over the limit of 10000");
    assertThat(rows("SELECT COUNT(*) FROM fs_workflow")).containsExactly("0");
  }

  // ------------------------------------------------------------------ new workflows, other objects

  /** Issue 8, defect 5: a created workflow had no row until it ran. */
  @Test
  void newWorkflow_isStoredNewAtOnce_andVisibleBeforeItRuns() throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("plain", Doc.class);

    assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.NEW);
    assertThat(rows("SELECT status, status_label, objects FROM fs_workflow_status"))
        .containsExactly("NEW | New | 0");
  }

  @Test
  void newWorkflowWithObjects_isStoredNewWithThemNotRun_andResumeInAnotherFlowstateRunsThem()
      throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    UUID id = flowstate.newWorkflow("plain", Doc.class, Doc.docs("A", "B")).id();

    assertThat(rows("SELECT status, token_pos FROM fs_workflow")).containsExactly("NEW | -1");
    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | INITIAL | {\"n\":0,\"name\":\"A\",\"seen\":[]}",
            "1 | INITIAL | {\"n\":0,\"name\":\"B\",\"seen\":[]}");
    flowstate.close();
    flowstate = db.flowstate().build();
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));

    flowstate.load(id, Doc.class).resume();

    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":0,\"name\":\"A\",\"seen\":[\"a\"]}",
            "1 | COMPLETED | {\"n\":0,\"name\":\"B\",\"seen\":[\"a\"]}");
  }

  /**
   * The engine newWorkflow returns holds the objects as stored (not the caller's instances), before
   * its first object, and its own resume() runs them.
   */
  @Test
  void newWorkflowWithObjects_returnsAnEngineHoldingThemAsStored_whichResumeRuns()
      throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    List<Doc> docs = Doc.docs("A", "B");
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("plain", Doc.class, docs);

    assertThat(engine.objects()).extracting(d -> d.name).containsExactly("A", "B");
    assertThat(engine.objects().get(0)).isNotSameAs(docs.get(0));
    assertThat(engine.state().tokenPos()).isEqualTo(-1);

    engine.resume();

    assertThat(engine.objects()).extracting(d -> d.seen).containsOnly(List.of("a"));
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
  }

  /**
   * A loaded workflow's objects are read a thousand at a time: reading across the pages, forwards
   * and back, gives each object at its position, and a position past the end is refused by name.
   */
  @Test
  void loadedObjects_areReadPageByPage_eachAtItsPosition() {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    List<Doc> docs = new java.util.ArrayList<>();
    for (int i = 0; i < 2_001; i++) {
      docs.add(new Doc("D" + i, i));
    }
    UUID id = flowstate.newWorkflow("plain", Doc.class, docs).id();

    List<Doc> loaded = flowstate.load(id, Doc.class).objects();

    assertThat(loaded).hasSize(2_001);
    for (int i : new int[] {0, 999, 1_000, 1_999, 2_000, 1_500, 998, 1_000}) {
      assertThat(loaded.get(i).name).as("object %d", i).isEqualTo("D" + i);
      assertThat(loaded.get(i).n).isEqualTo(i);
    }
    assertThatThrownBy(() -> loaded.get(2_001))
        .isExactlyInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("object 2001 of 2001");
    assertThatThrownBy(() -> loaded.get(-1))
        .isExactlyInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("object -1 of 2001");
  }

  /** Issue 8, defect 6: process(List.of()) left the workflow HALTED. */
  @Test
  void processOfAnEmptyList_completes() throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("plain", Doc.class);

    engine.process(List.of());

    assertThat(rows("SELECT status, ended_by, halt_message FROM fs_workflow"))
        .containsExactly("COMPLETED | null | null");
  }

  /** Issue 8, defect 6: restart with a shorter list ended COMPLETED with stored objects INITIAL. */
  @Test
  void restartWithFewerObjectsThanStored_isRefusedAndChangesNothing() throws SQLException {
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(HaltProcessing.class);
    List<String> before = rows("SELECT * FROM fs_object ORDER BY pos");

    assertThatThrownBy(
            () ->
                engine.restart(
                    dev.flowstate.engine.RestartPosition.CURRENT,
                    dev.flowstate.engine.RestartPosition.NEXT,
                    Doc.docs("A", "B")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "workflow "
                + engine.id()
                + " has 3 stored objects, but this run was given 2: the"
                + " objects given to a run stand for the stored ones, position by position, so a shorter"
                + " list would leave the others unprocessed. Give all 3 (a longer list appends objects),"
                + " or resume() to run the stored ones");

    assertThat(rows("SELECT status, ended_by FROM fs_workflow")).containsExactly("HALTED | HALT");
    assertThat(rows("SELECT * FROM fs_object ORDER BY pos")).isEqualTo(before);
    engine.resume();
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
  }

  // ------------------------------------------------------------------ resume()

  @ParameterizedTest(name = "{0}")
  @MethodSource("endings")
  void resume_continuesEachStoredEndingAsSemantics8Says(
      Action action, String storedAs, String afterResume) throws SQLException {
    flowstate.register("ending", Doc.class, faulty("B", action, null, 0));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("ending", Doc.class);
    try {
      engine.process(Doc.docs("A", "B", "C"));
    } catch (HaltProcessing | WorkflowError expected) {
      // the ending under test
    }
    assertThat(rows("SELECT status, ended_by FROM fs_workflow")).containsExactly(storedAs);
    flowstate.close();
    flowstate = db.flowstate().build();
    flowstate.register("ending", Doc.class, faulty("B", action, null, 0));

    flowstate.load(engine.id(), Doc.class).resume();

    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
    assertThat(rows("SELECT data FROM fs_object WHERE pos = 1").get(0)).contains(afterResume);
  }

  static Stream<Arguments> endings() {
    return Stream.of(
        Arguments.of(Action.HALT, "HALTED | HALT", "\"seen\":[\"0\",\"act\",\"1\"]"),
        Arguments.of(Action.STOP, "HALTED | STOP", "\"seen\":[\"0\",\"act\"]"),
        Arguments.of(Action.ABORT, "HALTED | ABORT", "\"seen\":[\"0\",\"act\",\"1\"]"),
        Arguments.of(Action.ERROR, "ERROR | ERROR", "\"seen\":[\"0\",\"act\",\"act\",\"1\"]"));
  }

  @Test
  void resume_ofACompletedWorkflow_saysSo() {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("plain", Doc.class);
    engine.process(Doc.docs("A"));

    assertThatThrownBy(engine::resume)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "workflow "
                + engine.id()
                + " is COMPLETED: every object was processed, there is nothing to resume");
  }

  // ------------------------------------------------------------------ rows edited by hand

  /** A column, the JSON set in it by hand, and what the error then says. */
  static Stream<Arguments> wrongShapes() {
    return Stream.of(
        Arguments.of(
            "callback_pos",
            "\"[1, 0]\"",
            "its stored callback_pos is \"[1, 0]\", not a non-empty list of integers"),
        Arguments.of("callback_pos", "{\"a\": 1}", "its stored callback_pos is {\"a\":"),
        Arguments.of(
            "callback_pos",
            "[1.5]",
            "its stored callback_pos is [1.5], not a non-empty list of integers"),
        Arguments.of("extra_data", "[1, 2]", "its stored extra_data is [1"));
  }

  /** Issue 8, defect 10: rows of the wrong shape gave a raw Hibernate IllegalArgumentException. */
  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("wrongShapes")
  void rowOfTheWrongShape_isAStoreExceptionNamingTheColumnAndTheFix_andStatusStillReads(
      String column, String json, String expected) throws SQLException {
    UUID id = haltedWithStored(column, json);

    assertThatThrownBy(() -> flowstate.load(id, Doc.class))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("workflow " + id + " cannot be read: ")
        .hasMessageContaining(expected)
        .hasMessageEndingWith(RowShapes.JSON_HINT);
    assertThat(flowstate.status(id)).contains(WorkflowStatus.HALTED);
  }

  /** The query API reads rows of the wrong shape with the same diagnosis as a load. */
  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("wrongShapes")
  void queryApi_onARowOfTheWrongShape_namesTheColumnAndTheFix(
      String column, String json, String expected) throws SQLException {
    UUID id = haltedWithStored(column, json);

    assertThatThrownBy(() -> flowstate.workflow(id))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("workflow " + id + " cannot be read: ")
        .hasMessageContaining(expected)
        .hasMessageEndingWith(RowShapes.JSON_HINT);
    assertThatThrownBy(() -> flowstate.workflows(WorkflowQuery.all()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void queryApi_readsAHaltPayloadSetByHandToAJsonString_asThatString() throws SQLException {
    UUID id = haltedWithStored("halt_payload", "\"text\"");

    assertThat(flowstate.workflow(id).orElseThrow().haltPayload()).isEqualTo("text");
  }

  /** A workflow halted at its second object, then one column of its row set to {@code json}. */
  private UUID haltedWithStored(String column, String json) throws SQLException {
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B"))).isInstanceOf(HaltProcessing.class);
    update("UPDATE fs_workflow SET " + column + " = " + db.jsonLiteral(json));
    return engine.id();
  }

  /**
   * The query API labels each workflow as the fs_workflow_status view does at the same moment: a
   * RUNNING one whose lease has run out is Interrupted, one marked stalled Stalled.
   */
  @Test
  void queryApi_labelsEveryWorkflowAsTheStatusViewDoes() throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("plain", Doc.class);
      engine.process(Doc.docs("A"));
      ids.add(engine.id());
    }
    String past = "CURRENT_TIMESTAMP - INTERVAL '1' HOUR";
    String future = "CURRENT_TIMESTAMP + INTERVAL '1' HOUR";
    update(running(ids.get(0), past, null));
    update(running(ids.get(1), future, null));
    update(running(ids.get(2), future, future));
    update("UPDATE fs_workflow SET status = 'HALTED' WHERE id = '" + ids.get(3) + "'");

    Map<UUID, String> labels = new java.util.HashMap<>();
    flowstate.workflows(WorkflowQuery.all()).forEach(w -> labels.put(w.id(), w.statusLabel()));

    assertThat(ids.stream().map(labels::get))
        .containsExactly("Interrupted", "Running", "Stalled", "Halted", "Completed");
    assertThat(rows("SELECT workflow_id, status_label FROM fs_workflow_status"))
        .containsExactlyInAnyOrderElementsOf(
            ids.stream().map(id -> id + " | " + labels.get(id)).toList());
    assertThat(flowstate.workflow(ids.get(0)).orElseThrow().definitionFingerprint())
        .isEqualTo(flowstate.definitions().get("plain"));
  }

  private static String running(UUID id, String leaseUntil, String stalledSince) {
    return "UPDATE fs_workflow SET status = 'RUNNING', owner = 'elsewhere', lease_until = "
        + leaseUntil
        + ", stalled_since = "
        + stalledSince
        + " WHERE id = '"
        + id
        + "'";
  }

  @Test
  void tokenPosBeyondTheObjects_isRefusedOnLoad() throws SQLException {
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B"))).isInstanceOf(HaltProcessing.class);
    update("UPDATE fs_workflow SET token_pos = 7");

    assertThatThrownBy(() -> flowstate.load(engine.id(), Doc.class))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "workflow "
                + engine.id()
                + " cannot be read: its stored token_pos 7 is beyond its 2"
                + " objects; set token_pos to the position of the object to resume at (-1 to 2)");
    assertThat(rows("SELECT token_pos FROM fs_workflow")).containsExactly("7");
  }

  // ------------------------------------------------------------------ the run's transaction

  /** Task {@code label} inserts (workflow, position, label) into a side table through the run. */
  Task<Doc> sideWrite(String label) {
    // the application's own table: in this test's schema, named in full (the run's connection
    // keeps the application's search path)
    return Task.named(label, (d, e) -> Worker.sideInsert(e, db.schema(), label));
  }

  void createSideTable() throws SQLException {
    update("CREATE TABLE side (workflow_id VARCHAR(40), pos INT, task VARCHAR(20))");
  }

  List<String> sideRows(UUID id) throws SQLException {
    return rows("SELECT pos, task FROM side WHERE workflow_id = '" + id + "' ORDER BY pos, task");
  }

  static final List<String> EACH_ONCE =
      List.of("0 | book", "0 | charge", "1 | book", "1 | charge", "2 | book", "2 | charge");

  /**
   * Writes through the run's transaction commit with their object: a task that fails takes its own
   * writes back (earlier tasks' commit with the error, as the object's data does), and resume()
   * runs the failed task again, so every write lands once.
   */
  @ParameterizedTest(name = "checkpointEvery {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
  void writesThroughTheRunsTransaction_failedTaskTakesItsOwnBack_andResumeWritesEachOnce(
      int checkpointEvery) throws SQLException {
    createSideTable();
    boolean[] failed = {false};
    flowstate.register(
        "booking",
        Doc.class,
        Flow.of(
            sideWrite("book"),
            Task.named(
                "charge",
                (d, e) -> {
                  sideWrite("charge").run(d, e);
                  if (d.name.equals("B") && !failed[0]) {
                    failed[0] = true;
                    throw new IllegalStateException("card declined");
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("booking", Doc.class);
    engine.setCheckpointEvery(checkpointEvery);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(WorkflowError.class);
    assertThat(sideRows(engine.id())).containsExactly("0 | book", "0 | charge", "1 | book");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | ERROR", "2 | INITIAL");

    engine.resume();

    assertThat(sideRows(engine.id())).isEqualTo(EACH_ONCE);
  }

  /**
   * A Flowstate on this test's database whose runs tell {@code binding} of their transaction, with
   * workflow "booking" registered as {@code steps}.
   */
  @SafeVarargs
  private Flowstate bookingBoundTo(TransactionBinding binding, Step<Doc>... steps) {
    Flowstate bound =
        Flowstate.builder()
            .dataSource(db.dataSource())
            .schema(db.schema())
            .transactionBinding(binding)
            .build();
    bound.register("booking", Doc.class, Flow.of(steps));
    return bound;
  }

  /** A binding that records what it hears, and fails task "veto" of object 1 when it returned. */
  static final class RecordingBinding implements TransactionBinding {
    final List<String> heard = new java.util.ArrayList<>();

    @Override
    public Scope newScope(dev.flowstate.engine.WorkflowEngine<?> engine) {
      heard.add("scope");
      return new Scope() {
        @Override
        public void taskStarts() {
          heard.add("start " + engine.currentTaskName());
        }

        @Override
        public void taskEnds(Throwable thrown) {
          heard.add("end " + (thrown == null ? "returned" : thrown.getClass().getSimpleName()));
          if (thrown == null
              && engine.currentTaskName().equals("veto")
              && engine.state().tokenPos() == 1) {
            throw new IllegalStateException("the binding refused the task's work");
          }
        }

        @Override
        public void undone(boolean objectWide) {
          heard.add(objectWide ? "object undone" : "task undone");
        }

        @Override
        public void ended(boolean committed) {
          heard.add(committed ? "committed" : "rolled back");
        }
      };
    }
  }

  /**
   * A transaction binding hears each task start and end on the run's thread, what a failure took
   * back, and each save point's commit; a task whose work the binding refuses fails with the
   * binding's error, and its writes go back like a failed task's.
   */
  @Test
  void transactionBinding_hearsEachTaskAndEachSavePoint_andCanFailATaskThatReturned()
      throws SQLException {
    createSideTable();
    RecordingBinding binding = new RecordingBinding();
    try (Flowstate bound =
        bookingBoundTo(
            binding,
            sideWrite("book"),
            Task.named(
                "veto",
                (d, e) -> {
                  if (d.name.equals("B")) {
                    sideWrite("veto").run(d, e);
                  }
                }))) {
      DbWorkflowEngine<Doc> engine = bound.newWorkflow("booking", Doc.class);

      assertThatThrownBy(() -> engine.process(Doc.docs("A", "B")))
          .isInstanceOf(WorkflowError.class)
          .hasMessageContaining("the binding refused the task's work");

      assertThat(binding.heard)
          .containsExactly(
              "scope",
              "start book",
              "end returned",
              "start veto",
              "end returned",
              "committed",
              "start book",
              "end returned",
              "start veto",
              "end returned",
              "task undone",
              "committed");
      assertThat(sideRows(engine.id())).containsExactly("0 | book", "1 | book");
      assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
          .containsExactly("0 | COMPLETED", "1 | ERROR");
    }
  }

  /**
   * A failed task that began the run's transaction itself has no savepoint before it: the whole
   * transaction goes, and the binding hears it rolled back (nothing of it reaches the side table)
   * before the ERROR save point commits.
   */
  @Test
  void transactionBinding_hearsTheRollback_whenTheTaskThatBeganTheTransactionFails()
      throws SQLException {
    createSideTable();
    RecordingBinding binding = new RecordingBinding();
    try (Flowstate bound =
        bookingBoundTo(
            binding,
            Task.named(
                "book",
                (d, e) -> {
                  sideWrite("book").run(d, e);
                  if (d.name.equals("B")) {
                    throw new IllegalStateException("no seats left");
                  }
                }))) {
      DbWorkflowEngine<Doc> engine = bound.newWorkflow("booking", Doc.class);

      assertThatThrownBy(() -> engine.process(Doc.docs("A", "B")))
          .isInstanceOf(WorkflowError.class)
          .hasRootCauseMessage("no seats left");

      assertThat(binding.heard)
          .containsExactly(
              "scope",
              "start book",
              "end returned",
              "committed",
              "start book",
              "end IllegalStateException",
              "rolled back",
              "committed"); // the ERROR save point's own commit
      assertThat(sideRows(engine.id())).containsExactly("0 | book");
      assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
          .containsExactly("0 | COMPLETED", "1 | ERROR");
    }
  }

  /**
   * A binding that fails at the end of a task that failed already does not hide the task's error:
   * the caller gets the task's exception as the cause, with the binding's kept as suppressed.
   */
  @Test
  void bindingFailingAfterAFailedTask_isKeptWithTheTasksError() throws SQLException {
    TransactionBinding failing =
        engine ->
            new TransactionBinding.Scope() {
              @Override
              public void taskStarts() {}

              @Override
              public void taskEnds(Throwable thrown) {
                throw new IllegalStateException("cannot unbind");
              }

              @Override
              public void undone(boolean objectWide) {}

              @Override
              public void ended(boolean committed) {}
            };
    try (Flowstate bound =
        bookingBoundTo(
            failing,
            Task.named(
                "book",
                (d, e) -> {
                  throw new IllegalArgumentException("no seats left");
                }))) {
      DbWorkflowEngine<Doc> engine = bound.newWorkflow("booking", Doc.class);

      assertThatThrownBy(() -> engine.process(Doc.docs("A")))
          .isInstanceOf(WorkflowError.class)
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no seats left")
          .satisfies(
              cause ->
                  assertThat(cause.getSuppressed())
                      .singleElement()
                      .satisfies(s -> assertThat(s).hasMessage("cannot unbind")));
      assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
          .containsExactly("0 | ERROR");
    }
  }

  /**
   * An object skipped or aborted by a task takes back what its tasks wrote through the run's
   * transaction, and only that: the earlier objects' writes stand (in checkpoint mode they are in
   * the same open transaction, so the object's own savepoint tells them apart).
   */
  @ParameterizedTest(name = "{0}, checkpointEvery {1}")
  @org.junit.jupiter.params.provider.CsvSource({"SKIP, 1", "SKIP, 2", "ABORT, 1", "ABORT, 2"})
  void writesOfAnObjectSkippedOrAborted_areTakenBack_andEarlierObjectsWritesStand(
      Action action, int checkpointEvery) throws SQLException {
    createSideTable();
    boolean[] done = {false};
    flowstate.register(
        "booking",
        Doc.class,
        Flow.of(
            sideWrite("book"),
            Task.named(
                "decide",
                (d, e) -> {
                  if (d.name.equals("B") && !done[0]) {
                    done[0] = true;
                    if (action == Action.SKIP) {
                      e.skipToken();
                    } else {
                      e.abort();
                    }
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("booking", Doc.class);
    engine.setCheckpointEvery(checkpointEvery);

    engine.process(Doc.docs("A", "B", "C"));

    assertThat(sideRows(engine.id()))
        .isEqualTo(action == Action.SKIP ? List.of("0 | book", "2 | book") : List.of("0 | book"));
    if (action == Action.ABORT) {
      engine.resume(); // B again, from its first task
      assertThat(sideRows(engine.id())).containsExactly("0 | book", "1 | book", "2 | book");
    }
  }

  /**
   * In checkpoint mode each object after the first sets one savepoint, which its first task shares
   * (nothing was written between them), and each further task one more: a savepoint is a round trip
   * and a subtransaction. A failed first task still takes back only its own writes.
   */
  @Test
  void checkpointRun_setsOneSavepointPerObjectAndOnePerFurtherTask_andAFailedFirstTaskUndoesItsOwn()
      throws SQLException {
    createSideTable();
    boolean[] failed = {false};
    flowstate.register(
        "booking",
        Doc.class,
        Flow.of(
            Task.named(
                "book",
                (d, e) -> {
                  Worker.sideInsert(e, db.schema(), "book");
                  if (d.name.equals("C") && !failed[0]) {
                    failed[0] = true;
                    throw new IllegalStateException("no seat");
                  }
                }),
            sideWrite("charge")));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("booking", Doc.class);
    engine.setCheckpointEvery(10);
    int before = faults.savepoints();

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D")))
        .isInstanceOf(WorkflowError.class);

    // A: its second task; B: the object's (shared by its first task) and its second task's; C:
    // the object's, then its first task fails
    assertThat(faults.savepoints() - before).isEqualTo(4);
    assertThat(sideRows(engine.id()))
        .containsExactly("0 | book", "0 | charge", "1 | book", "1 | charge");
    engine.resume();
    assertThat(sideRows(engine.id()))
        .containsExactly(
            "0 | book",
            "0 | charge",
            "1 | book",
            "1 | charge",
            "2 | book",
            "2 | charge",
            "3 | book",
            "3 | charge");
  }

  /**
   * An unreadable row met mid-run in checkpoint mode: the objects that ended since the last commit
   * are stored COMPLETED, so their writes through the run's transaction commit with them; once the
   * row is corrected, resume() runs the rest and every write lands once.
   */
  @Test
  void unreadableRowMidCheckpoint_commitsTheEndedObjectsWithTheirWrites_andResumeWritesEachOnce()
      throws SQLException {
    createSideTable();
    flowstate.register(
        "booking",
        Doc.class,
        Flow.of(
            sideWrite("book"),
            SavePointsContract.on(
                "B",
                "review",
                (d, e) -> {
                  if (!armed) {
                    armed = true;
                    e.halt("review B");
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("booking", Doc.class);
    engine.setCheckpointEvery(3);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D", "E")))
        .isInstanceOf(HaltProcessing.class);
    String d = rows("SELECT data FROM fs_object WHERE pos = 3").get(0);
    update("UPDATE fs_object SET data = " + db.jsonLiteral("{\"n\": \"x\"}") + " WHERE pos = 3");

    DbWorkflowEngine<Doc> resumed = flowstate.load(engine.id(), Doc.class);
    resumed.setCheckpointEvery(3);
    assertThatThrownBy(resumed::resume)
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("object 3 of workflow " + engine.id());

    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED", "1 | COMPLETED", "2 | COMPLETED", "3 | ERROR", "4 | INITIAL");
    assertThat(sideRows(engine.id())).containsExactly("0 | book", "1 | book", "2 | book");

    update("UPDATE fs_object SET data = " + db.jsonLiteral(d) + " WHERE pos = 3");
    flowstate.load(engine.id(), Doc.class).resume();

    assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.COMPLETED);
    assertThat(sideRows(engine.id()))
        .containsExactly("0 | book", "1 | book", "2 | book", "3 | book", "4 | book");
  }

  /**
   * A save that fails rolls back the writes made since the last commit with it; resume() replays
   * from that commit and writes them once.
   */
  @ParameterizedTest(name = "checkpointEvery {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
  void writesOfObjectsWhoseSaveFails_rollBackWithIt_andResumeWritesEachOnce(int checkpointEvery)
      throws SQLException {
    createSideTable();
    flowstate.register(
        "booking",
        Doc.class,
        Flow.of(
            sideWrite("book"),
            Task.named(
                "charge",
                (d, e) -> {
                  sideWrite("charge").run(d, e);
                  if (d.name.equals("B") && !armed) {
                    armed = true;
                    faults.failCommit(0); // the commit that would save B fails
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("booking", Doc.class);
    engine.setCheckpointEvery(checkpointEvery);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(WorkflowError.class);
    assertThat(sideRows(engine.id()))
        .isEqualTo(checkpointEvery == 1 ? List.of("0 | book", "0 | charge") : List.of());

    engine.resume();

    assertThat(sideRows(engine.id())).isEqualTo(EACH_ONCE);
  }

  @Test
  void runsTransaction_forAnEngineThatRunsNoStoredWorkflow_isRefused() {
    assertThatThrownBy(
            () -> DbWorkflowEngine.connection(new dev.flowstate.engine.WorkflowEngine<Doc>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "the run's transaction belongs to a stored workflow: pass the engine a task of a"
                + " DbWorkflowEngine was given, got ");
  }

  // ------------------------------------------------------------------ definitions

  /**
   * Issue 8, defect 13: swapping two unnamed lambdas went unnoticed (they render alike), so a
   * stored workflow resumed on other code. A persistent definition's tasks need names.
   */
  @Test
  void registeringUnnamedLambdas_isRefusedNamingTheirPositions() {
    Task<Doc> unnamed = (d, e) -> d.n++;
    assertThatThrownBy(
            () ->
                flowstate.register(
                    "anonymous",
                    Doc.class,
                    Flow.of(
                        SavePointsContract.rec("a"),
                        Flow.of(unnamed),
                        dev.flowstate.engine.patterns.Patterns.tryTask(unnamed, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "definition 'anonymous' has tasks without a name: [1, 0] lambda in TrustedStoreContract,"
                + " [2] tryTask(lambda in TrustedStoreContract). A stored workflow recognises a changed"
                + " definition by its tasks' names, and unnamed lambdas look alike in every JVM; name"
                + " each with Task.named(\"...\", task)");
  }

  /**
   * Issue 8, defect 13: changing a forEach list was accepted, and a loop halted at its second item
   * resumed over another list.
   */
  @Test
  void changingALoopsList_isAChangedDefinitionOnLoad() {
    java.util.function.Function<List<String>, Flow<Doc>> loopOver =
        items ->
            Flow.of(
                dev.flowstate.engine.patterns.Patterns.forEach(
                    items,
                    "item",
                    SavePointsContract.on(
                        "A",
                        "h",
                        (d, e) -> {
                          if (e.extraData().get("item").equals("b") && d.n++ == 0) {
                            e.halt("at b");
                          }
                        })));
    flowstate.register("loop", Doc.class, loopOver.apply(List.of("a", "b", "c")));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("loop", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A"))).isInstanceOf(HaltProcessing.class);
    flowstate.close();
    flowstate = db.flowstate().build();
    flowstate.register("loop", Doc.class, loopOver.apply(List.of("a", "x", "b", "c")));

    assertThatThrownBy(() -> flowstate.load(engine.id(), Doc.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "definition 'loop' changed since workflow " + engine.id() + " was stored");
  }

  // ------------------------------------------------------------------ submitting and requests

  @Test
  void submit_storesTheWorkflowNewWithItsObjectsWithoutRunningIt_andResumeRunsIt()
      throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));

    UUID id = flowstate.submit("plain", Doc.docs("A", "B"));

    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("NEW");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | INITIAL", "1 | INITIAL");
    flowstate.load(id, Doc.class).resume();
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
  }

  @Test
  void submit_ofAnObjectOfAnotherType_isRefusedNamingItAndStoresNothing() throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));

    assertThatThrownBy(() -> flowstate.submit("plain", List.of(new Doc("A", 0), "B")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "object 1 is a java.lang.String, but definition 'plain' runs on dev.flowstate.db.Doc");
    assertThatThrownBy(() -> flowstate.submit("nope", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no definition is registered as 'nope'; registered definitions: [");
    assertThat(rows("SELECT COUNT(*) FROM fs_workflow")).containsExactly("0");
  }

  @Test
  void requestResume_ofAHaltedWorkflow_recordsWhenItIsDue_andItsRunTakesTheRequestUp()
      throws SQLException {
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B"))).isInstanceOf(HaltProcessing.class);

    flowstate.resumeAt(engine.id(), java.time.Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(rows("SELECT resume_at IS NOT NULL FROM fs_workflow").get(0))
        .isIn("true", "TRUE", "t", "1");
    engine.resume();

    assertThat(rows("SELECT status, resume_at FROM fs_workflow"))
        .containsExactly("COMPLETED | null");
  }

  @Test
  void requestResume_ofARunningOrCompletedWorkflow_isRefusedSayingWhy() {
    String[] fromInside = new String[1];
    flowstate.register(
        "asks",
        Doc.class,
        Flow.of(
            dev.flowstate.engine.Task.named(
                "ask",
                (d, e) -> {
                  try {
                    flowstate.requestResume(UUID.fromString(e.workflowId()));
                  } catch (IllegalStateException refused) {
                    fromInside[0] = refused.getMessage();
                  }
                })));
    DbWorkflowEngine<Doc> done = flowstate.newWorkflow("asks", Doc.class);
    done.process(Doc.docs("A"));
    UUID unknown = UUID.randomUUID();

    assertThat(fromInside[0])
        .isEqualTo(
            "workflow "
                + done.id()
                + " is RUNNING: it is running (a worker pool takes an interrupted one over without"
                + " a request)");
    assertThatThrownBy(() -> flowstate.requestResume(done.id()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "workflow "
                + done.id()
                + " is COMPLETED: every object was processed, there is nothing to resume");
    assertThatThrownBy(() -> flowstate.requestResume(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no workflow with id " + unknown + "; check the id (flowstate list)");
  }

  @Test
  void loadById_findsTheTypeItsDefinitionWasRegisteredFor_andRefusesAnUnknownId() {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    UUID id = flowstate.newWorkflow("plain", Doc.class, Doc.docs("A")).id();
    UUID unknown = UUID.randomUUID();

    DbWorkflowEngine<?> engine = flowstate.load(id);
    engine.resume();

    assertThat(engine.hasCompleted()).isTrue();
    assertThat(engine.objects()).singleElement().isInstanceOf(Doc.class);
    assertThatThrownBy(() -> flowstate.load(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no workflow with id " + unknown + "; check the id (flowstate list)");
  }

  @Test
  void submit_storesTheWorkflowDueNow_whileNewWorkflowWaitsForItsCreatorUntilRequested()
      throws SQLException {
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    UUID submitted = flowstate.submit("plain", Doc.docs("A"));
    UUID created = flowstate.newWorkflow("plain", Doc.class, Doc.docs("A")).id();

    assertThat(rows("SELECT resume_at IS NULL FROM fs_workflow WHERE id = '" + submitted + "'"))
        .first()
        .isIn("false", "FALSE", "f", "0");
    assertThat(rows("SELECT resume_at IS NULL FROM fs_workflow WHERE id = '" + created + "'"))
        .first()
        .isIn("true", "TRUE", "t", "1");

    flowstate.requestResume(created);

    assertThat(rows("SELECT resume_at IS NULL FROM fs_workflow WHERE id = '" + created + "'"))
        .first()
        .isIn("false", "FALSE", "f", "0");
  }

  // ------------------------------------------------------------------ the query API

  @Test
  void workflows_listsNewestFirstWithHaltDetailsAndObjectCounts_filteredAndPaged() {
    java.time.Instant[] now = {java.time.Instant.parse("2026-01-01T00:00:00Z")};
    flowstate.close();
    flowstate =
        db.flowstate()
            .clock(
                new java.time.Clock() {
                  @Override
                  public java.time.ZoneId getZone() {
                    return java.time.ZoneOffset.UTC;
                  }

                  @Override
                  public java.time.Clock withZone(java.time.ZoneId zone) {
                    return this;
                  }

                  @Override
                  public java.time.Instant instant() {
                    return now[0];
                  }
                })
            .build();
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    flowstate.register("plain", Doc.class, Flow.of(SavePointsContract.rec("a")));
    DbWorkflowEngine<Doc> done = flowstate.newWorkflow("plain", Doc.class);
    done.process(Doc.docs("A", "B"));
    now[0] = now[0].plusSeconds(60);
    DbWorkflowEngine<Doc> halted = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> halted.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(HaltProcessing.class);

    List<StoredWorkflow> all = flowstate.workflows(WorkflowQuery.all());
    assertThat(all).extracting(StoredWorkflow::id).containsExactly(halted.id(), done.id());
    StoredWorkflow first = all.get(0);
    assertThat(first.status()).isEqualTo(WorkflowStatus.HALTED);
    assertThat(first.definitionName()).isEqualTo("halting");
    assertThat(first.tokenPos()).isEqualTo(1);
    assertThat(first.callbackPos()).containsExactly(1, 0);
    assertThat(first.haltMessage()).isEqualTo("needs review");
    assertThat(first.haltAction()).isEqualTo("review");
    assertThat(first.haltPayload()).isEqualTo(Map.of("reason", "amount"));
    assertThat(first.extraData()).isEqualTo(Map.of("haltedOn", "B"));
    assertThat(first.objectsByStatus())
        .isEqualTo(
            Map.of(ObjectStatus.COMPLETED, 1L, ObjectStatus.HALTED, 1L, ObjectStatus.INITIAL, 1L));
    assertThat(first.objects()).isEqualTo(3);
    assertThat(first.modifiedAt()).isEqualTo(now[0]);

    assertThat(flowstate.workflows(WorkflowQuery.all().status(WorkflowStatus.COMPLETED)))
        .extracting(StoredWorkflow::id)
        .containsExactly(done.id());
    assertThat(flowstate.workflows(WorkflowQuery.all().definition("plain")))
        .extracting(StoredWorkflow::id)
        .containsExactly(done.id());
    assertThat(flowstate.workflows(WorkflowQuery.all().modifiedSince(now[0])))
        .extracting(StoredWorkflow::id)
        .containsExactly(halted.id());
    assertThat(flowstate.workflows(WorkflowQuery.all().offset(1).limit(1)))
        .extracting(StoredWorkflow::id)
        .containsExactly(done.id());
    assertThat(flowstate.workflow(done.id()))
        .map(StoredWorkflow::status)
        .contains(WorkflowStatus.COMPLETED);
    assertThat(flowstate.workflow(UUID.randomUUID())).isEmpty();
    assertThatThrownBy(() -> WorkflowQuery.all().limit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be 1 to 10000, got 0");
    assertThatThrownBy(() -> WorkflowQuery.all().limit(WorkflowQuery.MAX_LIMIT + 1))
        .hasMessage("limit must be 1 to 10000, got 10001");
    assertThatThrownBy(() -> WorkflowQuery.all().offset(-1))
        .hasMessage("offset must be 0 or more, got -1");
    assertThat(WorkflowQuery.all().offset(0).limit(WorkflowQuery.MAX_LIMIT))
        .isEqualTo(new WorkflowQuery(null, null, null, 0, 10_000));
  }

  @Test
  void objectsAndHistory_readTypedObjectsByStatusAndTheRunsOfAWorkflowOrOneObject() {
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(HaltProcessing.class);
    engine.resume();

    List<StoredObject<Doc>> objects = flowstate.objects(engine.id(), Doc.class, null, 0, 10);
    assertThat(objects).extracting(StoredObject::position).containsExactly(0, 1, 2);
    assertThat(objects).extracting(StoredObject::status).containsOnly(ObjectStatus.COMPLETED);
    assertThat(objects.get(1).data().seen).containsExactly("a", "h", "b", "c");
    assertThat(flowstate.objects(engine.id(), Doc.class, ObjectStatus.HALTED, 0, 10)).isEmpty();
    assertThat(flowstate.objects(engine.id(), Doc.class, ObjectStatus.COMPLETED, 1, 1))
        .extracting(StoredObject::position)
        .containsExactly(1);

    assertThat(flowstate.history(engine.id()))
        .extracting(run -> run.position() + " " + run.outcome())
        .containsExactly("0 COMPLETED", "1 HALTED", "1 COMPLETED", "2 COMPLETED");
    List<ObjectRun> ofB = flowstate.history(engine.id(), 1);
    assertThat(ofB).extracting(ObjectRun::outcome).containsExactly("HALTED", "COMPLETED");
    assertThat(ofB.get(0).callbackPos()).containsExactly(1, 0);
    assertThat(ofB.get(0).duration().isNegative()).isFalse();
  }

  /**
   * While its tasks run, an object reads RUNNING on its row, committed before its first task: the
   * first object by the commit that starts the run, the next one by its own save point, and an
   * object run again after a jump back (already COMPLETED, nothing else ended since the jump's
   * commit) by the save point before it.
   */
  @Test
  void eachObject_readsRunningOnItsRow_whileItsTasksRun_alsoWhenAJumpBackRunsItAgain()
      throws SQLException {
    List<String> seen = new ArrayList<>();
    boolean[] jumped = {false};
    DbWorkflowEngine<Doc> engine =
        peeking(
            seen,
            (d, e) ->
                d.name
                    + " "
                    + rows("SELECT status FROM fs_object WHERE pos = " + e.state().tokenPos()),
            SavePointsContract.on(
                "B",
                "back",
                (d, e) -> {
                  if (!jumped[0]) {
                    jumped[0] = true;
                    e.jumpToken(-1);
                  }
                }));

    engine.process(Doc.docs("A", "B"));

    assertThat(seen).containsExactly("A [RUNNING]", "B [RUNNING]", "A [RUNNING]", "B [RUNNING]");
    assertThat(rows("SELECT status FROM fs_object ORDER BY pos"))
        .containsExactly("COMPLETED", "COMPLETED");
  }

  /**
   * An object never run has no task position (null, not an empty list), and a page of objects may
   * be anything from one object to the longest a query allows.
   */
  @Test
  void objects_neverRunHaveNoPosition_andPagesRunFromOneToTheLongestAllowed() {
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class, Doc.docs("A", "B"));

    List<StoredObject<Doc>> objects =
        flowstate.objects(engine.id(), Doc.class, null, 0, WorkflowQuery.MAX_LIMIT);
    assertThat(objects).extracting(StoredObject::status).containsOnly(ObjectStatus.INITIAL);
    assertThat(objects).extracting(StoredObject::callbackPos).containsExactly(null, null);
    assertThat(flowstate.objects(engine.id(), Doc.class, null, 1, 1))
        .extracting(o -> o.data().name)
        .containsExactly("B");
    assertThatThrownBy(
            () -> flowstate.objects(engine.id(), Doc.class, null, 0, WorkflowQuery.MAX_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be 1 to 10000, got 10001");
    assertThatThrownBy(() -> flowstate.objects(engine.id(), Doc.class, null, 0, 0))
        .hasMessage("limit must be 1 to 10000, got 0");
    assertThatThrownBy(() -> flowstate.objects(engine.id(), Doc.class, null, -1, 1))
        .hasMessage("offset must be 0 or more, got -1");
  }

  /**
   * The read side on a connection the caller opens (as the command line reads): whether a workflow
   * exists, the counts by definition and status, and a clear refusal of a null id.
   */
  @Test
  void workflowReader_onTheCallersConnection_tellsWhatExists_andCountsByDefinitionAndStatus()
      throws SQLException {
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B"))).isInstanceOf(HaltProcessing.class);
    UUID unknown = UUID.randomUUID();
    WorkflowReader reader =
        new WorkflowReader(new com.fasterxml.jackson.databind.ObjectMapper(), db.schema());

    try (java.sql.Connection c = db.dataSource().getConnection()) {
      assertThat(reader.exists(c, engine.id())).isTrue();
      assertThat(reader.exists(c, unknown)).isFalse();
      assertThat(reader.workflowCounts(c))
          .isEqualTo(Map.of("halting", Map.of(WorkflowStatus.HALTED, 1L)));
      assertThatThrownBy(() -> reader.exists(c, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("workflow id must not be null");
      assertThatThrownBy(() -> reader.history(c, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("workflow id must not be null");
    }
    assertThat(flowstate.workflowCounts())
        .isEqualTo(Map.of("halting", Map.of(WorkflowStatus.HALTED, 1L)));
  }

  static List<String> causes(Throwable error) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = error; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    return messages;
  }

  List<String> data(UUID id) throws SQLException {
    return rows(
        "SELECT pos, status, data FROM fs_object WHERE workflow_id = '" + id + "' ORDER BY pos");
  }
}
