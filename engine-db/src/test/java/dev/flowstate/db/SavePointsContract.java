package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The save points of SEMANTICS §7 on every database: one subclass per database. */
abstract class SavePointsContract extends DatabaseTest {

  static Task<Doc> rec(String label) {
    return Task.named(label, (d, e) -> d.seen.add(label));
  }

  static Task<Doc> on(String name, String label, Task<Doc> action) {
    return Task.named(
        label,
        (d, e) -> {
          d.seen.add(label);
          if (d.name.equals(name)) {
            action.run(d, e);
          }
        });
  }

  /** Halts on B the first time only (B's data says whether it was halted before). */
  static final Flow<Doc> HALTING =
      Flow.of(
          rec("a"),
          Flow.of(
              Task.named(
                  "h",
                  (d, e) -> {
                    d.seen.add("h");
                    if (d.name.equals("B") && d.n++ == 0) {
                      e.extraData().put("haltedOn", d.name);
                      e.halt("needs review", "review", Map.of("reason", "amount"));
                    }
                  }),
              rec("b")),
          rec("c"));

  @BeforeEach
  void open() {
    db = database();
    flowstate = db.flowstate().build();
    flowstate.register("halting", Doc.class, HALTING);
  }

  /**
   * A {@link FlowstateListener} added to the Flowstate hears each stored run's events in order: the
   * run's start, each task with its time, each object's end with its history outcome, each save
   * point, and the run's end with the status stored; once removed, new engines do not tell it.
   */
  @Test
  void flowstateListener_hearsTheRunsTasksObjectsAndSaves_inOrder_untilRemoved() {
    List<String> heard = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    FlowstateListener listener =
        new FlowstateListener() {
          @Override
          public void runStarted(WorkflowEngine<Object> engine, boolean interrupted) {
            heard.add("run started" + (interrupted ? " (interrupted)" : ""));
          }

          @Override
          public void runEnded(WorkflowEngine<Object> engine, WorkflowStatus status) {
            heard.add("run ended " + status);
          }

          @Override
          public void objectEnded(WorkflowEngine<Object> engine, String outcome) {
            heard.add("object ended " + outcome);
          }

          @Override
          public void taskEnded(WorkflowEngine<Object> engine, String task, long nanos) {
            heard.add("task " + task);
            times.add(nanos);
          }

          @Override
          public void saved(WorkflowEngine<Object> engine, long nanos) {
            times.add(nanos);
          }
        };
    assertThat(flowstate.addListener(listener)).isSameAs(flowstate);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B"))).isInstanceOf(HaltProcessing.class);

    assertThat(heard)
        .containsExactly(
            "run started",
            "task a",
            "task h",
            "task b",
            "task c",
            "object ended COMPLETED",
            "task a",
            "task h",
            "object ended HALTED",
            "run ended HALTED");
    // each task's time and each save's, in nanoseconds: none negative, none a minute long
    assertThat(times).hasSizeGreaterThan(6).allMatch(n -> n >= 0 && n < 60_000_000_000L);

    assertThat(flowstate.removeListener(listener)).isTrue();
    assertThat(flowstate.removeListener(listener)).isFalse();
    heard.clear();
    flowstate.load(engine.id(), Doc.class).resume();
    assertThat(heard).isEmpty();
  }

  /**
   * Issue 22: a task gets the core engine running it, and that engine refuses what would change
   * what the stored workflow is (its id, definition, chooser, positions) with a clear error; the
   * run goes on and stores under its own id and definition.
   */
  @Test
  void tasksOfAStoredWorkflow_cannotChangeItsIdDefinitionChooserOrState() throws SQLException {
    List<String> refused = new ArrayList<>();
    flowstate.register(
        "sealed",
        Doc.class,
        Flow.of(
            Task.named(
                "rewire",
                (d, e) -> {
                  List<Runnable> attempts =
                      List.of(
                          () -> e.setWorkflowId("made-up"),
                          () -> e.setDefinition(Flow.of(rec("other"))),
                          () -> e.setCallbackChooser(doc -> "*"),
                          () -> e.setState(dev.flowstate.engine.EngineState.INITIAL));
                  for (Runnable attempt : attempts) {
                    refused.add(catchThrowable(attempt::run).toString());
                  }
                }),
            rec("a")));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("sealed", Doc.class);

    engine.process(Doc.docs("A"));

    String stored = "java.lang.IllegalStateException: workflow " + engine.id() + " is stored: ";
    assertThat(refused)
        .containsExactly(
            stored + "its id is its row's and cannot change (setWorkflowId)",
            stored
                + "its definition ('sealed') is chosen by name when it is loaded; register the"
                + " changed definition with Flowstate.register and load the workflow with"
                + " allowChangedDefinition instead of setDefinition",
            stored
                + "it runs the one definition it was stored with ('sealed'), so"
                + " setCallbackChooser has nothing to choose from",
            stored
                + "its positions are the stored ones; move them with restart(object, task) or"
                + " resume() instead of setState");
    assertThat(rows("SELECT id, status FROM fs_workflow"))
        .containsExactly(engine.id() + " | COMPLETED");
    assertThat(rows("SELECT data FROM fs_object"))
        .containsExactly("{\"n\":0,\"name\":\"A\",\"seen\":[\"a\"]}");
  }

  @Test
  void completedRun_recordsCompletedWorkflowAndEveryObjectWithItsData() throws SQLException {
    flowstate.register(
        "plain", Doc.class, Flow.of(rec("a"), Task.named("inc", (d, e) -> d.n += 10)));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("plain", Doc.class);

    engine.process(Doc.docs("A", "B"));

    assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.COMPLETED);
    assertThat(rows("SELECT status, token_pos FROM fs_workflow")).containsExactly("COMPLETED | 1");
    assertThat(rows("SELECT pos, status, data, source_data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":10,\"name\":\"A\",\"seen\":[\"a\"]} | {\"n\":0,\"name\":\"A\",\"seen\":[]}",
            "1 | COMPLETED | {\"n\":10,\"name\":\"B\",\"seen\":[\"a\"]} | {\"n\":0,\"name\":\"B\",\"seen\":[]}");
  }

  @Test
  void halt_recordsHaltedWorkflowAndObject_withPositionsMessageActionPayload() throws SQLException {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(HaltProcessing.class)
        .hasMessage("needs review");

    assertThat(
            rows(
                "SELECT status, token_pos, callback_pos, halt_message, halt_action, halt_payload,"
                    + " extra_data FROM fs_workflow"))
        .containsExactly(
            "HALTED | 1 | [1,0] | needsreview | review | {\"reason\":\"amount\"} | {\"haltedOn\":\"B\"}");
    assertThat(rows("SELECT pos, status, callback_pos FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED | null", "1 | HALTED | [1,0]", "2 | INITIAL | null");
    assertThat(rows("SELECT position, status_label FROM fs_object_status ORDER BY position"))
        .containsExactly("0 | Done", "1 | Needaction", "2 | New");
  }

  @Test
  void resume_inAFreshFlowstate_continuesRightAfterTheHaltAndCompletes() throws SQLException {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(HaltProcessing.class);
    UUID id = engine.id();
    flowstate.close();

    flowstate = db.flowstate().build();
    flowstate.register("halting", Doc.class, HALTING);
    DbWorkflowEngine<Doc> resumed = flowstate.load(id, Doc.class);
    assertThat(resumed.state().tokenPos()).isEqualTo(1);
    assertThat(resumed.state().callbackPos()).containsExactly(1, 0);
    assertThat(resumed.extraData()).containsEntry("haltedOn", "B");

    resumed.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(resumed.hasCompleted()).isTrue();
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":0,\"name\":\"A\",\"seen\":[\"a\",\"h\",\"b\",\"c\"]}",
            "1 | COMPLETED | {\"n\":1,\"name\":\"B\",\"seen\":[\"a\",\"h\",\"b\",\"c\"]}",
            "2 | COMPLETED | {\"n\":0,\"name\":\"C\",\"seen\":[\"a\",\"h\",\"b\",\"c\"]}");
  }

  @Test
  void taskException_recordsErrorRows_andReachesCallerAsWorkflowErrorWithCause()
      throws SQLException {
    flowstate.register(
        "failing",
        Doc.class,
        Flow.of(
            rec("a"),
            on(
                "B",
                "x",
                (d, e) -> {
                  throw new IllegalStateException("bad data");
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("failing", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B")))
        .isInstanceOfSatisfying(
            WorkflowError.class,
            e -> {
              assertThat(e.workflowId()).isEqualTo(engine.id().toString());
              assertThat(e.objectIndex()).isEqualTo(1);
              assertThat(e.getCause())
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessage("bad data");
            })
        .hasMessage(
            "workflow "
                + engine.id()
                + " failed at object 1, task x: java.lang.IllegalStateException: bad data");

    assertThat(rows("SELECT status, last_error FROM fs_workflow"))
        .containsExactly("ERROR | taskxonobject1:java.lang.IllegalStateException:baddata");
    assertThat(rows("SELECT pos, status, error_text, callback_pos FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | null | null",
            "1 | ERROR | java.lang.IllegalStateException:baddata | [1]");
  }

  /**
   * A WorkflowError about this very workflow reaches the caller as it is, recorded like any other
   * failure; one about another workflow (a child's, say) is wrapped as this workflow's failure.
   */
  @Test
  void taskThrowingAWorkflowError_ofItsOwnWorkflowPassesAsIs_ofAnotherIsWrapped()
      throws SQLException {
    WorkflowError[] thrown = new WorkflowError[1];
    for (String name : List.of("own", "child")) {
      flowstate.register(
          name,
          Doc.class,
          Flow.of(
              on(
                  "B",
                  "x",
                  (d, e) -> {
                    thrown[0] =
                        name.equals("own")
                            ? new WorkflowError("own failure", e.workflowId(), 1, null, null)
                            : new WorkflowError("child failed", "another", 0, null, null);
                    throw thrown[0];
                  })));
    }
    DbWorkflowEngine<Doc> own = flowstate.newWorkflow("own", Doc.class);
    DbWorkflowEngine<Doc> child = flowstate.newWorkflow("child", Doc.class);

    assertThatThrownBy(() -> own.process(Doc.docs("A", "B"))).isSameAs(thrown[0]);
    assertThat(rows("SELECT status, last_error FROM fs_workflow WHERE id = '" + own.id() + "'"))
        .containsExactly("ERROR | taskxonobject1:ownfailure");

    // a WorkflowError is told by its message: its class name would only repeat what it is
    assertThatThrownBy(() -> child.process(Doc.docs("A", "B")))
        .isInstanceOfSatisfying(
            WorkflowError.class,
            e -> {
              assertThat(e.workflowId()).isEqualTo(child.id().toString());
              assertThat(e.getCause()).isSameAs(thrown[0]);
            })
        .hasMessage("workflow " + child.id() + " failed at object 1, task x: child failed");
    assertThat(
            rows(
                "SELECT pos, status, error_text FROM fs_object WHERE workflow_id = '"
                    + child.id()
                    + "' ORDER BY pos"))
        .containsExactly("0 | COMPLETED | null", "1 | ERROR | childfailed");
  }

  /**
   * With stopOnError false the stored engine decides as the core engine does: a task's plain
   * (unchecked) exception ends the run there, and the caller gets it as this workflow's failure; a
   * WorkflowError or a checked exception abandons its object and the run goes on.
   */
  @ParameterizedTest
  @CsvSource({"unchecked, false", "workflowError, true", "checked, true"})
  void processWithoutStopOnError_stopsOrGoesOnAsTheCoreEngineDoes(String kind, boolean goesOn)
      throws SQLException {
    Flow<Doc> definition =
        Flow.of(
            rec("a"),
            on(
                "two",
                "fail",
                (d, e) -> {
                  switch (kind) {
                    case "unchecked" -> throw new IllegalStateException("bad two");
                    case "workflowError" -> throw new WorkflowError("bad two");
                    default -> sneakyThrow(new java.io.IOException("bad two"));
                  }
                }),
            rec("b"));
    List<Doc> plain = Doc.docs("one", "two", "three");
    WorkflowEngine<Doc> core = new WorkflowEngine<>(definition);
    Throwable coreThrew = catchThrowable(() -> core.process(plain, false, true));

    flowstate.register("failing", Doc.class, definition);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("failing", Doc.class);
    Throwable storedThrew =
        catchThrowable(() -> engine.process(Doc.docs("one", "two", "three"), false, true));

    assertThat(coreThrew == null).isEqualTo(goesOn);
    assertThat(storedThrew == null).isEqualTo(goesOn);
    List<String> seen = new ArrayList<>();
    for (Doc d : plain) {
      seen.add(d.name + d.seen);
    }
    if (goesOn) {
      assertThat(seen).containsExactly("one[a, fail, b]", "two[a, fail]", "three[a, fail, b]");
      assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
          .containsExactly("0 | COMPLETED", "1 | ERROR", "2 | COMPLETED");
    } else {
      assertThat(seen).containsExactly("one[a, fail, b]", "two[a, fail]", "three[]");
      assertThat(coreThrew).isInstanceOf(IllegalStateException.class).hasMessage("bad two");
      assertThat(storedThrew)
          .isInstanceOf(WorkflowError.class)
          .hasMessage(
              "workflow "
                  + engine.id()
                  + " failed at object 1, task fail: java.lang.IllegalStateException: bad two")
          .hasCauseInstanceOf(IllegalStateException.class);
      assertThat(rows("SELECT status, token_pos FROM fs_workflow")).containsExactly("ERROR | 1");
      assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
          .containsExactly("0 | COMPLETED", "1 | ERROR", "2 | INITIAL");
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
    throw (E) e;
  }

  /**
   * The stored engine offers the core engine's runs and views: each reaches the run, and what the
   * run does is saved.
   */
  @Test
  void storedEngine_offersTheCoreEnginesRunsAndViews_andSavesWhatEachRunDoes() throws SQLException {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    List<String> events = new ArrayList<>();
    dev.flowstate.engine.EngineListener<Doc> listener =
        new dev.flowstate.engine.EngineListener<>() {
          @Override
          public void halted(WorkflowEngine<Doc> e, HaltProcessing halt) {
            events.add("halted " + halt.getMessage());
          }

          @Override
          public void finished(WorkflowEngine<Doc> e) {
            events.add("finished");
          }
        };
    assertThat(engine.addListener(listener)).isSameAs(engine);
    assertThat(engine.definitionName()).isEqualTo("halting");
    assertThat(engine.definition()).isSameAs(HALTING);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C"), true, true))
        .isInstanceOf(HaltProcessing.class);
    assertThat(engine.currentObject()).hasValueSatisfying(d -> assertThat(d.name).isEqualTo("B"));
    assertThat(engine.currentTaskName()).isEqualTo("h");
    assertThat(rows("SELECT status, token_pos FROM fs_workflow")).containsExactly("HALTED | 1");

    engine.restart("current", "next"); // B goes on after its halting task, then C
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | COMPLETED", "2 | COMPLETED");
    assertThat(events).containsExactly("halted needs review", "finished");

    assertThat(engine.removeListener(listener)).isTrue();
    assertThat(engine.removeListener(listener)).isFalse();
    engine.restart(RestartPosition.FIRST, RestartPosition.FIRST, Doc.docs("D", "E", "F"));
    assertThat(rows("SELECT pos, data FROM fs_object WHERE pos = 2"))
        .containsExactly("2 | {\"n\":0,\"name\":\"F\",\"seen\":[\"a\",\"h\",\"b\",\"c\"]}");
    engine.restart(
        RestartPosition.FIRST, RestartPosition.FIRST, Doc.docs("G", "H", "I", "J"), true, true);
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
    assertThat(rows("SELECT pos, status FROM fs_object WHERE pos = 3"))
        .containsExactly("3 | COMPLETED");
    assertThat(events).hasSize(2);
  }

  @Test
  void skipAbortStop_saveTheObjectAsSemanticsSays() throws SQLException {
    flowstate.register(
        "mixed",
        Doc.class,
        Flow.of(
            Task.named("inc", (d, e) -> d.n++),
            on("A", "skip", (d, e) -> e.skipToken()),
            on("B", "stop", (d, e) -> e.stop())));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("mixed", Doc.class);

    engine.process(Doc.docs("A", "B", "C"));

    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | SKIPPED | {\"n\":0,\"name\":\"A\",\"seen\":[]}",
            "1 | COMPLETED | {\"n\":1,\"name\":\"B\",\"seen\":[\"skip\",\"stop\"]}",
            "2 | INITIAL | {\"n\":0,\"name\":\"C\",\"seen\":[]}");
    assertThat(rows("SELECT status, halt_message FROM fs_workflow"))
        .containsExactly("HALTED | stoppedbytaskstoponobject1");

    flowstate.register(
        "aborting",
        Doc.class,
        Flow.of(Task.named("inc", (d, e) -> d.n++), on("A", "abort", (d, e) -> e.abort())));
    DbWorkflowEngine<Doc> aborting = flowstate.newWorkflow("aborting", Doc.class);
    aborting.process(Doc.docs("A"));
    assertThat(
            rows(
                "SELECT o.status, o.data, w.halt_message FROM fs_object o JOIN fs_workflow w ON w.id = o.workflow_id"
                    + " WHERE w.definition_name = 'aborting'"))
        .containsExactly(
            "INITIAL | {\"n\":0,\"name\":\"A\",\"seen\":[]} | abortedbytaskabortonobject0");
  }

  /**
   * An object aborted in a later run goes back to the status it had before that run, also when it
   * is not the run's first object (its status was read when the save point before it marked it
   * RUNNING): here HALTED, not the COMPLETED of the object before it.
   */
  @Test
  void abortOfAnObjectReachedMidRun_restoresItsOwnEarlierStatus() throws SQLException {
    int[] gateRuns = {0};
    flowstate.register(
        "gated",
        Doc.class,
        Flow.of(
            Task.named("inc", (d, e) -> d.n++),
            on(
                "B",
                "gate",
                (d, e) -> {
                  if (gateRuns[0]++ == 0) {
                    e.halt("needs review");
                  } else {
                    e.abort();
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("gated", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(HaltProcessing.class);
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | HALTED", "2 | INITIAL");

    engine.restart(RestartPosition.FIRST, RestartPosition.FIRST);

    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":2,\"name\":\"A\",\"seen\":[\"gate\",\"gate\"]}",
            "1 | HALTED | {\"n\":1,\"name\":\"B\",\"seen\":[\"gate\"]}",
            "2 | INITIAL | {\"n\":0,\"name\":\"C\",\"seen\":[]}");
    assertThat(rows("SELECT status, halt_message FROM fs_workflow"))
        .containsExactly("HALTED | abortedbytaskgateonobject1");
  }

  @Test
  void load_unknownId_failsAndCreatesNothing() throws SQLException {
    UUID unknown = UUID.fromString("00000000-0000-0000-0000-000000000042");

    assertThatThrownBy(() -> flowstate.load(unknown, Doc.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no workflow with id "
                + unknown
                + "; load never creates one, use newWorkflow(name, type)");
    assertThat(rows("SELECT COUNT(*) FROM fs_workflow")).containsExactly("0");
  }

  @Test
  void load_unregisteredDefinition_namesItAndTheRegisteredOnes() {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("B"))).isInstanceOf(HaltProcessing.class);
    flowstate.close();
    flowstate = db.flowstate().build();
    flowstate.register("other", Doc.class, Flow.of(rec("x")));

    assertThatThrownBy(() -> flowstate.load(engine.id(), Doc.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "workflow "
                + engine.id()
                + " uses definition 'halting', which is not registered;"
                + " registered definitions: [other]. Register it with register(name, type, definition)");
  }

  @Test
  void load_changedDefinition_isRefusedNamingBothFingerprints_unlessAllowed() {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("B"))).isInstanceOf(HaltProcessing.class);
    flowstate.close();
    flowstate = db.flowstate().build();
    flowstate.register("halting", Doc.class, HALTING.then(rec("new")));

    assertThatThrownBy(() -> flowstate.load(engine.id(), Doc.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "definition 'halting' changed since workflow "
                + engine.id()
                + " was stored (stored fingerprint ")
        .hasMessageEndingWith("load with allowChangedDefinition = true");
    assertThat(flowstate.load(engine.id(), Doc.class, true).state().tokenPos()).isZero();
  }

  @Test
  void load_storedCallbackPosThatDoesNotFitTheDefinition_isRefused() throws SQLException {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B"))).isInstanceOf(HaltProcessing.class);
    update("UPDATE fs_workflow SET callback_pos = " + db.jsonLiteral("[7, 3]"));

    assertThatThrownBy(() -> flowstate.load(engine.id(), Doc.class))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("workflow " + engine.id() + " cannot be resumed: its stored ");
    assertThat(rows("SELECT status, token_pos FROM fs_workflow")).containsExactly("HALTED | 1");
  }

  /**
   * What a task stored in extra data reads the same, type included, in a later process that loads
   * the workflow: longs stay longs, a BigDecimal keeps its scale, nested lists and maps keep their
   * values' types. Tagged values stay readable in SQL.
   */
  @Test
  void extraData_readsBackWithItsTypes_inALaterFlowstate() throws SQLException {
    Map<String, Object> stored = new java.util.LinkedHashMap<>();
    stored.put("long", 5L);
    stored.put("bigLong", 5_000_000_000L);
    stored.put("int", 7);
    stored.put("decimal", new java.math.BigDecimal("1.10"));
    stored.put("bigint", new java.math.BigInteger("123456789012345678901234567890"));
    stored.put("double", 2.5);
    stored.put("hugeDouble", 1.0e20);
    stored.put("float", 1.5f);
    stored.put("short", (short) 3);
    stored.put("byte", (byte) 4);
    stored.put("char", 'x');
    stored.put("text", "hello");
    stored.put("flag", true);
    stored.put("none", null);
    stored.put("uuid", UUID.fromString("6f1d6c2e-0000-4000-8000-000000000001"));
    stored.put("instant", java.time.Instant.parse("2026-12-06T10:15:30.123456Z"));
    stored.put("date", java.time.LocalDate.parse("2026-12-06"));
    stored.put("duration", java.time.Duration.ofMinutes(90));
    stored.put("list", List.of(1L, "two", List.of(3L)));
    stored.put("map", Map.of("inner", 6L, "deeper", Map.of("x", new java.math.BigDecimal("0.50"))));
    List<Map<String, Object>> read = new ArrayList<>();
    Flow<Doc> flow =
        Flow.of(
            Task.named(
                "keep",
                (d, e) -> {
                  if (e.extraData().isEmpty()) {
                    e.extraData().putAll(stored);
                    e.halt("stored");
                  }
                }),
            Task.named("read", (d, e) -> read.add(new java.util.HashMap<>(e.extraData()))));
    flowstate.register("typed", Doc.class, flow);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("typed", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A"))).isInstanceOf(HaltProcessing.class);
    assertThat(rows("SELECT extra_data FROM fs_workflow").get(0))
        .contains("{\"@long\":5}")
        .contains("{\"@decimal\":\"1.10\"}");
    flowstate.close();

    flowstate = db.flowstate().build();
    flowstate.register("typed", Doc.class, flow);
    DbWorkflowEngine<Doc> loaded = flowstate.load(engine.id(), Doc.class);
    for (Map.Entry<String, Object> entry : stored.entrySet()) {
      Object value = loaded.extraData().get(entry.getKey());
      assertThat(value).as(entry.getKey()).isEqualTo(entry.getValue());
      if (value instanceof List || value instanceof Map) {
        // lists and maps come back as an ArrayList and a LinkedHashMap, equal to what was stored
        assertThat(value).isInstanceOfAny(ArrayList.class, java.util.LinkedHashMap.class);
      } else if (value != null) {
        assertThat(value.getClass()).as(entry.getKey()).isEqualTo(entry.getValue().getClass());
      }
    }
    assertThat(((List<?>) loaded.extraData().get("list")).get(0)).isInstanceOf(Long.class);
    assertThat(flowstate.workflow(engine.id()).orElseThrow().extraData().get("long")).isEqualTo(5L);
    loaded.resume();
    assertThat(read).hasSize(1);
    assertThat(read.get(0).get("decimal")).isEqualTo(new java.math.BigDecimal("1.10"));
  }

  /**
   * A value extra data cannot keep as it is (it would come back as another type in another process)
   * fails the save naming its key, its type and what to store instead; nothing of the run's end is
   * written.
   */
  @ParameterizedTest
  @CsvSource({
    "set, java.util.ImmutableCollections$Set12, it would come back as a List; store a List",
    "array, [I, it would come back as a List; store a List",
    "enum, java.time.DayOfWeek, it would come back as a String; store its name() (\"MONDAY\")",
    "bean, dev.flowstate.db.Doc, it would come back as a Map or a String",
    "nested, java.util.ImmutableCollections$Set12, it would come back as a List",
    "nan, java.lang.Double, JSON has no NaN or infinity",
  })
  void extraDataThatWouldComeBackAsAnotherType_failsTheSave_namingKeyAndType(
      String key, String type, String why) throws SQLException {
    Object value =
        switch (key) {
          case "set" -> java.util.Set.of(1);
          case "array" -> new int[] {1};
          case "enum" -> java.time.DayOfWeek.MONDAY;
          case "bean" -> new Doc("x", 1);
          case "nested" -> Map.of("inner", List.of(java.util.Set.of(2)));
          default -> Double.NaN;
        };
    flowstate.register(
        "bad",
        Doc.class,
        Flow.of(
            Task.named(
                "keep",
                (d, e) -> {
                  e.extraData().put(key, value);
                  e.halt("stored");
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("bad", Doc.class);

    Throwable thrown = catchThrowable(() -> engine.process(Doc.docs("A")));

    String path = key.equals("nested") ? "nested.inner[0]" : key;
    Throwable cause = thrown;
    while (cause != null && !(cause instanceof StoreException)) {
      cause = cause.getCause();
    }
    assertThat(cause)
        .as("%s", thrown)
        .isNotNull()
        .hasMessageStartingWith(
            "extraData['" + path + "'] of workflow " + engine.id() + " is a " + type + ", ")
        .hasMessageContaining(why)
        .hasMessageEndingWith(
            ". Values whose type the JSON does not tell can be " + ExtraData.ALLOWED);
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("ERROR");
    assertThat(rows("SELECT extra_data FROM fs_workflow")).containsExactly("null");
  }

  /**
   * Object data follows extra data's rule: properties declared Object, Number, or a Map or List of
   * Object read back in a later process with the types a task gave them; typed properties are
   * written as before.
   */
  @Test
  void objectData_untypedPropertiesReadBackWithTheirTypes_inALaterFlowstate() throws SQLException {
    Flow<Loose> flow =
        Flow.of(
            Task.named(
                "fill",
                (o, e) -> {
                  if (o.value == null) {
                    o.count = 2;
                    o.value = 5L;
                    o.amount = new java.math.BigDecimal("1.10");
                    o.attributes.put("when", java.time.Instant.parse("2026-12-06T10:00:00Z"));
                    o.attributes.put("n", 7);
                    o.items.add((short) 3);
                    o.items.add(List.of(4L));
                    e.halt("filled");
                  }
                }),
            Task.named("after", (o, e) -> {}));
    flowstate.register("loose", Loose.class, flow);
    DbWorkflowEngine<Loose> engine = flowstate.newWorkflow("loose", Loose.class);
    assertThatThrownBy(() -> engine.process(List.of(new Loose("A"))))
        .isInstanceOf(HaltProcessing.class);
    assertThat(rows("SELECT data FROM fs_object").get(0))
        .contains("\"count\":2")
        .contains("{\"@long\":5}")
        .contains("{\"@decimal\":\"1.10\"}");
    flowstate.close();

    flowstate = db.flowstate().build();
    flowstate.register("loose", Loose.class, flow);
    Loose read = flowstate.load(engine.id(), Loose.class).objects().get(0);

    assertThat(read.count).isEqualTo(2);
    assertThat(read.value).isInstanceOf(Long.class).isEqualTo(5L);
    assertThat(read.amount).isInstanceOf(java.math.BigDecimal.class).hasToString("1.10");
    assertThat(read.attributes.get("when"))
        .isEqualTo(java.time.Instant.parse("2026-12-06T10:00:00Z"));
    assertThat(read.attributes.get("n")).isInstanceOf(Integer.class);
    assertThat(read.items.get(0)).isInstanceOf(Short.class);
    assertThat(((List<?>) read.items.get(1)).get(0)).isInstanceOf(Long.class);
  }

  /** An untyped property holding what would come back as another type fails the object's save. */
  @Test
  void objectData_untypedPropertyThatWouldChangeType_failsTheSave_namingTheProperty()
      throws SQLException {
    flowstate.register(
        "loose",
        Loose.class,
        Flow.of(Task.named("fill", (o, e) -> o.attributes.put("tags", java.util.Set.of("a")))));
    DbWorkflowEngine<Loose> engine = flowstate.newWorkflow("loose", Loose.class);

    assertThatThrownBy(() -> engine.process(List.of(new Loose("A"))))
        .hasMessageContaining(
            "object 0 of workflow "
                + engine.id()
                + " cannot be written as JSON: property 'attributes.tags' is a"
                + " java.util.ImmutableCollections$Set12, which cannot be stored as it is: it"
                + " would come back as a List; store a List.");
    assertThat(rows("SELECT pos, status FROM fs_object")).containsExactly("0 | ERROR");
  }

  /**
   * A map that would not come back as it was, a null key or a lone key that names a tagged type,
   * fails the object's save, naming the property and the reason.
   */
  @Test
  void objectData_mapsThatWouldComeBackOtherwise_failTheSave_namingWhy() throws SQLException {
    java.util.Map<Object, Object> nullKey = new java.util.LinkedHashMap<>();
    nullKey.put(null, 1);
    java.util.Map<Object, Object> lookalike = new java.util.LinkedHashMap<>();
    lookalike.put("@decimal", "1.10");
    flowstate.register(
        "loose",
        Loose.class,
        Flow.of(
            Task.named(
                "fill",
                (o, e) -> o.attributes.put("odd", o.name.equals("A") ? nullKey : lookalike))));

    for (String name : List.of("A", "B")) {
      DbWorkflowEngine<Loose> engine = flowstate.newWorkflow("loose", Loose.class);
      assertThatThrownBy(() -> engine.process(List.of(new Loose(name))))
          .hasMessageContaining(
              "object 0 of workflow "
                  + engine.id()
                  + " cannot be written as JSON: property 'attributes.odd' is a"
                  + " java.util.LinkedHashMap, which cannot be stored as it is: "
                  + (name.equals("A")
                      ? "its key null is a null, which would come back as a String; use String"
                          + " keys."
                      : "a map whose only key is @decimal stands for a typed value."));
    }
    assertThat(rows("SELECT pos, status FROM fs_object")).containsExactly("0 | ERROR", "0 | ERROR");
  }

  /**
   * During a run every log line can say where it comes from: the MDC holds the workflow id,
   * definition, object position and task (keys under "flowstate."), and after the run, however it
   * ended, the caller's own values are back.
   */
  @Test
  void duringARun_theMdcNamesWorkflowDefinitionObjectAndTask_andIsRestoredAfter() {
    List<String> seen = new ArrayList<>();
    Task<Doc> look =
        Task.named(
            "look",
            (d, e) -> {
              seen.add(
                  org.slf4j.MDC.get("flowstate.workflowId")
                      + " "
                      + org.slf4j.MDC.get("flowstate.definition")
                      + " "
                      + org.slf4j.MDC.get("flowstate.object")
                      + " "
                      + org.slf4j.MDC.get("flowstate.task"));
              if (d.name.equals("C")) {
                e.halt("stop at C");
              }
            });
    flowstate.register("mdc", Doc.class, Flow.of(rec("a"), look));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("mdc", Doc.class);
    org.slf4j.spi.MDCAdapter none = org.slf4j.MDC.getMDCAdapter();
    // slf4j-simple keeps no MDC (Logback and Log4j 2 do): the tests lend it SLF4J's basic one
    mdcAdapter(new org.slf4j.helpers.BasicMDCAdapter());
    org.slf4j.MDC.put("flowstate.workflowId", "the caller's");
    try {
      engine.process(Doc.docs("A", "B"));
      assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
          .isInstanceOf(HaltProcessing.class);

      String id = engine.id().toString();
      assertThat(seen)
          .containsExactly(
              id + " mdc 0 look",
              id + " mdc 1 look",
              id + " mdc 0 look",
              id + " mdc 1 look",
              id + " mdc 2 look");
      assertThat(org.slf4j.MDC.get("flowstate.workflowId")).isEqualTo("the caller's");
      assertThat(DbWorkflowEngine.definitionName(new WorkflowEngine<Doc>())).isEmpty();
      assertThat(org.slf4j.MDC.get("flowstate.definition")).isNull();
      assertThat(org.slf4j.MDC.get("flowstate.object")).isNull();
      assertThat(org.slf4j.MDC.get("flowstate.task")).isNull();
    } finally {
      org.slf4j.MDC.clear();
      mdcAdapter(none);
    }
  }

  private static void mdcAdapter(org.slf4j.spi.MDCAdapter adapter) {
    try {
      java.lang.reflect.Method set =
          org.slf4j.MDC.class.getDeclaredMethod("setMDCAdapter", org.slf4j.spi.MDCAdapter.class);
      set.setAccessible(true);
      set.invoke(null, adapter);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("SLF4J's MDC changed: " + e, e);
    }
  }

  /** A run over no object completes, and the engine says so as the row does. */
  @Test
  void emptyRun_isStoredCompleted_andTheEngineSaysItCompleted() throws SQLException {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThat(engine.status()).isEqualTo(WorkflowStatus.NEW);
    assertThat(engine.hasCompleted()).isFalse();

    engine.process(List.of());

    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
    assertThat(engine.status()).isEqualTo(WorkflowStatus.COMPLETED);
    assertThat(engine.hasCompleted()).isTrue();
  }

  /**
   * A completed workflow loads in a later process: its resume() says there is nothing to resume and
   * writes nothing, restartFromSourceData() reruns it from the data first given, and a restart with
   * more objects runs the new ones after the stored ones.
   */
  @Test
  void load_completedWorkflow_inALaterFlowstate_rerunsFromSourceOrNewObjects_resumeRefused()
      throws SQLException {
    Flow<Doc> inc = Flow.of(rec("a"), Task.named("inc", (d, e) -> d.n += 10));
    flowstate.register("plain", Doc.class, inc);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("plain", Doc.class);
    engine.process(Doc.docs("A", "B"));
    UUID id = engine.id();
    flowstate.close();
    String before = String.join("\n", rows("SELECT status, version FROM fs_workflow"));

    flowstate = db.flowstate().build();
    flowstate.register("plain", Doc.class, inc);
    DbWorkflowEngine<Doc> loaded = flowstate.load(id, Doc.class);
    assertThat(loaded.hasCompleted()).isTrue();
    assertThatThrownBy(loaded::resume)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "workflow "
                + id
                + " is COMPLETED: every object was processed, there is nothing to resume");
    assertThat(String.join("\n", rows("SELECT status, version FROM fs_workflow")))
        .isEqualTo(before);

    flowstate.load(id, Doc.class).restartFromSourceData();
    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":10,\"name\":\"A\",\"seen\":[\"a\"]}",
            "1 | COMPLETED | {\"n\":10,\"name\":\"B\",\"seen\":[\"a\"]}");

    DbWorkflowEngine<Doc> more = flowstate.load(id, Doc.class);
    List<Doc> three = new ArrayList<>(more.objects());
    three.add(new Doc("C", 0));
    more.restart(RestartPosition.NEXT, RestartPosition.FIRST, three);
    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":10,\"name\":\"A\",\"seen\":[\"a\"]}",
            "1 | COMPLETED | {\"n\":10,\"name\":\"B\",\"seen\":[\"a\"]}",
            "2 | COMPLETED | {\"n\":10,\"name\":\"C\",\"seen\":[\"a\"]}");
    assertThat(rows("SELECT status, token_pos FROM fs_workflow")).containsExactly("COMPLETED | 2");
  }

  @Test
  void twoEnginesSavingTheSameWorkflow_theLaterGetsAConflictAndWritesNothing() throws SQLException {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(HaltProcessing.class);
    DbWorkflowEngine<Doc> first = flowstate.load(engine.id(), Doc.class);
    DbWorkflowEngine<Doc> second = flowstate.load(engine.id(), Doc.class);
    first.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThatThrownBy(() -> second.restart(RestartPosition.CURRENT, RestartPosition.NEXT))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "workflow "
                + engine.id()
                + " was saved by another engine since this one last saved it;"
                + " this engine's changes were not written. Load the workflow again to continue from what is stored");
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
  }

  @Test
  void objectDataJacksonCannotWrite_failsClearly() {
    flowstate.register("self", Object.class, Flow.of(Task.named("a", (o, e) -> {})));
    DbWorkflowEngine<Object> engine = flowstate.newWorkflow("self", Object.class);

    assertThatThrownBy(() -> engine.process(List.of(new Object())))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "object 0 of workflow " + engine.id() + " cannot be written as JSON: ");
  }

  @Test
  void durableRun_whileATaskRuns_earlierObjectsAreCommittedAndTheCurrentOneIsRunning()
      throws SQLException {
    List<List<String>> seenByTask = new ArrayList<>();
    DbWorkflowEngine<Doc> engine =
        peeking(
            seenByTask,
            (d, e) ->
                rows(
                    "SELECT w.token_pos, o.pos, o.status FROM fs_object o JOIN fs_workflow w ON w.id = o.workflow_id"
                        + " ORDER BY o.pos"));

    engine.process(Doc.docs("A", "B", "C"));

    assertThat(seenByTask)
        .containsExactly(
            List.of("0 | 0 | RUNNING", "0 | 1 | INITIAL", "0 | 2 | INITIAL"),
            List.of("1 | 0 | COMPLETED", "1 | 1 | RUNNING", "1 | 2 | INITIAL"),
            List.of("2 | 0 | COMPLETED", "2 | 1 | COMPLETED", "2 | 2 | RUNNING"));
  }

  @Test
  void history_leavesOneRowPerObjectRunWithItsOutcome() throws SQLException {
    flowstate.register(
        "mixed",
        Doc.class,
        Flow.of(
            on("A", "skip", (d, e) -> e.skipToken()),
            on("B", "next", (d, e) -> e.continueNextToken()),
            on(
                "D",
                "fail",
                (d, e) -> {
                  throw new IllegalArgumentException("no D");
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("mixed", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D")))
        .isInstanceOf(WorkflowError.class);

    assertThat(rows("SELECT pos, outcome, message FROM fs_object_run ORDER BY id"))
        .containsExactly(
            "0 | SKIPPED | null",
            "1 | CONTINUED | null",
            "2 | COMPLETED | null",
            "3 | ERROR | java.lang.IllegalArgumentException:noD");
    assertThat(rows("SELECT COUNT(*) FROM fs_object_run WHERE started_at <= ended_at"))
        .containsExactly("4");
  }

  /** Each history row holds when its object started and ended, read from the Flowstate's clock. */
  @Test
  void history_recordsWhenEachObjectRunStartedAndEnded() {
    flowstate.close();
    java.time.Instant start = java.time.Instant.parse("2026-12-01T10:00:00Z");
    TestClock clock = new TestClock(start);
    flowstate = db.flowstate().clock(clock).build();
    flowstate.register(
        "timed",
        Doc.class,
        Flow.of(
            Task.named(
                "work",
                (d, e) ->
                    clock.advance(java.time.Duration.ofSeconds(d.name.equals("A") ? 5 : 7)))));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("timed", Doc.class);

    engine.process(Doc.docs("A", "B"));

    assertThat(flowstate.history(engine.id()))
        .extracting(ObjectRun::position, ObjectRun::startedAt, ObjectRun::endedAt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, start, start.plusSeconds(5)),
            org.assertj.core.groups.Tuple.tuple(1, start.plusSeconds(5), start.plusSeconds(12)));
  }

  @Test
  void historyOff_writesNoRunRows() throws SQLException {
    flowstate.close();
    flowstate = db.flowstate().history(false).build();
    flowstate.register("plain", Doc.class, Flow.of(rec("a")));

    flowstate.newWorkflow("plain", Doc.class).process(Doc.docs("A", "B"));

    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
    assertThat(rows("SELECT COUNT(*) FROM fs_object_run")).containsExactly("0");
  }

  @Test
  void checkpointEvery_commitsEveryNObjectsAndAtTheHalt_markingOnlyTheRunsFirstObject()
      throws SQLException {
    List<String> seenByTask = new ArrayList<>();
    DbWorkflowEngine<Doc> engine =
        peeking(
            seenByTask,
            (d, e) ->
                d.name
                    + ": "
                    + String.join(", ", rows("SELECT o.status FROM fs_object o ORDER BY o.pos")),
            on(
                "D",
                "h",
                (d, e) -> {
                  if (d.n++ == 0) {
                    e.halt("check D");
                  }
                }));
    engine.setCheckpointEvery(2);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D", "E")))
        .isInstanceOf(HaltProcessing.class);

    assertThat(seenByTask)
        .containsExactly(
            "A: RUNNING, INITIAL, INITIAL, INITIAL, INITIAL",
            "B: RUNNING, INITIAL, INITIAL, INITIAL, INITIAL",
            "C: COMPLETED, COMPLETED, INITIAL, INITIAL, INITIAL",
            "D: COMPLETED, COMPLETED, INITIAL, INITIAL, INITIAL");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED", "1 | COMPLETED", "2 | COMPLETED", "3 | HALTED", "4 | INITIAL");
    assertThat(rows("SELECT status, token_pos, halt_message FROM fs_workflow"))
        .containsExactly("HALTED | 3 | checkD");

    DbWorkflowEngine<Doc> resumed = flowstate.load(engine.id(), Doc.class);
    resumed.setCheckpointEvery(2);
    resumed.restart(RestartPosition.CURRENT, RestartPosition.NEXT);
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED", "1 | COMPLETED", "2 | COMPLETED", "3 | COMPLETED", "4 | COMPLETED");
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
  }

  /**
   * A workflow "review" that adds 10 to each object and halts once, the first time it reaches
   * object {@code name} (the halt is remembered in the workflow's extra data).
   */
  private DbWorkflowEngine<Doc> reviewHaltingOnceAt(String name) {
    flowstate.register(
        "review",
        Doc.class,
        Flow.of(
            Task.named("inc", (d, e) -> d.n += 10),
            on(
                name,
                "h",
                (d, e) -> {
                  if (e.extraData().putIfAbsent("reviewed", true) == null) {
                    e.halt("review " + name);
                  }
                })));
    return flowstate.newWorkflow("review", Doc.class);
  }

  @Test
  void restartFromSourceData_rerunsEveryObjectFromItsDataAsFirstGiven() throws SQLException {
    DbWorkflowEngine<Doc> engine = reviewHaltingOnceAt("B");
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(HaltProcessing.class);

    engine.restartFromSourceData();

    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":10,\"name\":\"A\",\"seen\":[\"h\"]}",
            "1 | COMPLETED | {\"n\":10,\"name\":\"B\",\"seen\":[\"h\"]}",
            "2 | COMPLETED | {\"n\":10,\"name\":\"C\",\"seen\":[\"h\"]}");
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
  }

  /** A run that halted at the first object has processed one: its source data can be rerun. */
  @Test
  void restartFromSourceData_afterAHaltAtTheFirstObject_rerunsFromItsData() throws SQLException {
    DbWorkflowEngine<Doc> engine = reviewHaltingOnceAt("A");
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B"))).isInstanceOf(HaltProcessing.class);
    assertThat(engine.state().tokenPos()).isZero();

    engine.restartFromSourceData();

    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":10,\"name\":\"A\",\"seen\":[\"h\"]}",
            "1 | COMPLETED | {\"n\":10,\"name\":\"B\",\"seen\":[\"h\"]}");
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
  }

  @Test
  void restartFromSourceData_beforeAnyRun_isRefused() {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);

    assertThatThrownBy(engine::restartFromSourceData)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "workflow "
                + engine.id()
                + " has not processed any object yet; start it with process(objects)");
  }

  @Test
  void checkpointEvery_belowOne_isRefused() {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);

    assertThatThrownBy(() -> engine.setCheckpointEvery(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpointEvery must be at least 1 (1 = commit at every save point), got 0");
    assertThat(engine.checkpointEvery()).isEqualTo(1);
  }

  @Test
  void unreadableRowMetMidRun_recordsErrorAtItAndLeavesNothingRunning() throws SQLException {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("B", "A", "C")))
        .isInstanceOf(HaltProcessing.class);
    update(
        "UPDATE fs_object SET data = "
            + db.jsonLiteral("{\"n\": \"not a number\"}")
            + " WHERE pos = 2");
    DbWorkflowEngine<Doc> resumed = flowstate.load(engine.id(), Doc.class);

    assertThatThrownBy(() -> resumed.restart(RestartPosition.CURRENT, RestartPosition.NEXT))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "object 2 of workflow "
                + engine.id()
                + " has data that cannot be read as dev.flowstate.db.Doc: ")
        .hasMessageEndingWith(
            "; correct its data column (fs_object.data) and resume" + RowShapes.JSON_HINT);
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | COMPLETED", "2 | ERROR");
    assertThat(rows("SELECT status, token_pos, owner, lease_until FROM fs_workflow"))
        .containsExactly("ERROR | 2 | null | null");
  }

  /** A row deleted by hand while a run goes on: the save that needs it fails, saying so. */
  /**
   * An object row deleted by hand while the workflow waits: the resume that reads its page fails
   * naming the range and how many of it are stored, before the run starts, changing nothing.
   */
  @Test
  void objectRowDeletedByHandWhileHalted_failsTheResumeNamingTheRangeNotAllStored()
      throws SQLException {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("halting", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D")))
        .isInstanceOf(HaltProcessing.class);
    update("DELETE FROM fs_object WHERE pos = 2");

    assertThatThrownBy(() -> flowstate.load(engine.id(), Doc.class).resume())
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "workflow "
                + engine.id()
                + " should have objects 0 to 3 but only 3 of them are stored");
    // met before the run starts: the rows stay as the halt left them, the workflow unowned
    assertThat(rows("SELECT status, token_pos, owner FROM fs_workflow"))
        .containsExactly("HALTED | 1 | null");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | HALTED", "3 | INITIAL");
  }

  @Test
  void objectRowDeletedByHandMidRun_failsTheSaveNamingIt_withNothingLeftRunning()
      throws SQLException {
    flowstate.register(
        "deleting",
        Doc.class,
        Flow.of(on("A", "delete", (d, e) -> update("DELETE FROM fs_object WHERE pos = 1"))));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("deleting", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(WorkflowError.class)
        .hasMessageContaining("could not save object 0: workflow " + engine.id())
        .hasMessageContaining(" has no stored object at ")
        .hasMessageContaining("1")
        .hasMessageContaining("; were the objects replaced by a longer list in restart(...)?");
    assertThat(rows("SELECT status, ended_by, token_pos, owner FROM fs_workflow"))
        .containsExactly("ERROR | SAVE_ERROR | 0 | null");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | ERROR", "2 | INITIAL");
  }

  /**
   * A jump back within one checkpoint ends objects twice before they are written: each object is
   * stored as it last ended, and history keeps every end, in order.
   */
  @Test
  void jumpBackWithinACheckpoint_storesEachObjectsLastEnd_andEveryEndInHistory()
      throws SQLException {
    flowstate.register(
        "again",
        Doc.class,
        Flow.of(
            Task.named("inc", (d, e) -> d.n++),
            on(
                "B",
                "back",
                (d, e) -> {
                  if (d.n == 1) {
                    e.jumpToken(-1);
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("again", Doc.class);
    engine.setCheckpointEvery(10);

    engine.process(Doc.docs("A", "B", "C"));

    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":2,\"name\":\"A\",\"seen\":[\"back\",\"back\"]}",
            "1 | COMPLETED | {\"n\":2,\"name\":\"B\",\"seen\":[\"back\",\"back\"]}",
            "2 | COMPLETED | {\"n\":1,\"name\":\"C\",\"seen\":[\"back\"]}");
    assertThat(rows("SELECT pos, outcome FROM fs_object_run ORDER BY id"))
        .containsExactly(
            "0 | COMPLETED", "1 | JUMPED", "0 | COMPLETED", "1 | COMPLETED", "2 | COMPLETED");
  }

  /**
   * SEMANTICS §5's 4×4 restart table through the database: halted in one Flowstate, resumed from a
   * fresh one; stored objects and final state must equal the in-memory engine's.
   */
  @ParameterizedTest(name = "restart({0}, {1})")
  @CsvSource({
    "PREV, PREV", "PREV, CURRENT", "PREV, NEXT", "PREV, FIRST",
    "CURRENT, PREV", "CURRENT, CURRENT", "CURRENT, NEXT", "CURRENT, FIRST",
    "NEXT, PREV", "NEXT, CURRENT", "NEXT, NEXT", "NEXT, FIRST",
    "FIRST, PREV", "FIRST, CURRENT", "FIRST, NEXT", "FIRST, FIRST",
  })
  void restartMatrix_resumedFromTheDatabase_equalsTheInMemoryEngine(
      RestartPosition object, RestartPosition task) throws Exception {
    Flow<Doc> flow =
        Flow.of(
            rec("0"),
            Flow.of(
                rec("1"),
                Task.named(
                    "2",
                    (d, e) -> {
                      d.seen.add("2");
                      e.extraData().merge("twos", 1, (a, b) -> (Integer) a + (Integer) b);
                      if (d.name.equals("B") && d.seen.size() == 3) {
                        e.halt("stop here");
                      }
                    }),
                rec("3")),
            rec("4"));
    List<Doc> memoryObjects = Doc.docs("A", "B", "C", "D");
    WorkflowEngine<Doc> memory = new WorkflowEngine<>(flow);
    assertThatThrownBy(() -> memory.process(memoryObjects)).isInstanceOf(HaltProcessing.class);
    memory.restart(object, task);

    flowstate.register("matrix", Doc.class, flow);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("matrix", Doc.class);
    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D")))
        .isInstanceOf(HaltProcessing.class);
    flowstate.close();
    flowstate = db.flowstate().build();
    flowstate.register("matrix", Doc.class, flow);
    DbWorkflowEngine<Doc> resumed = flowstate.load(engine.id(), Doc.class);
    resumed.restart(object, task);

    ObjectMapper json = new ObjectMapper();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < memoryObjects.size(); i++) {
      // restart(NEXT, ...) abandons the halted B: its row keeps saying so
      String status = i == 1 && object == RestartPosition.NEXT ? "HALTED" : "COMPLETED";
      expected.add(i + " | " + status + " | " + json.writeValueAsString(memoryObjects.get(i)));
    }
    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos")).isEqualTo(expected);
    assertThat(resumed.state()).isEqualTo(memory.state());
    assertThat(resumed.extraData()).isEqualTo(memory.extraData());
    assertThat(rows("SELECT status, token_pos, extra_data FROM fs_workflow"))
        .containsExactly("COMPLETED | 3 | {\"twos\":" + memory.extraData().get("twos") + "}");
  }
}
