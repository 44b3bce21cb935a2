package dev.flowstate.engine;

import static dev.flowstate.engine.Item.items;
import static dev.flowstate.engine.Item.on;
import static dev.flowstate.engine.Item.rec;
import static dev.flowstate.engine.Item.seen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The engine's guards and less travelled paths: every run method reports a halt, setters refuse a
 * running engine, listeners come and go, positions deeper than the engine's first array, and
 * several definitions at once.
 */
class EngineGuardsTest {

  private static WorkflowEngine<Item> halting() {
    return new WorkflowEngine<>(
        Flow.of(rec("a"), on("B", "h", (o, e) -> e.halt("wait")), rec("b")));
  }

  @Test
  void everyRunMethod_throwsTheHalt_withTheStatePointingAtTheHaltingTask() {
    List<Consumer<WorkflowEngine<Item>>> runs =
        List.of(
            e -> e.process(items("A", "B"), true, true),
            e -> e.process(items("A", "B"), false, true),
            e -> e.restart(RestartPosition.NEXT, RestartPosition.FIRST, items("A", "B")),
            e ->
                e.restart(RestartPosition.NEXT, RestartPosition.FIRST, items("A", "B"), true, true),
            e -> {
              try {
                e.process(items("A", "B"));
              } catch (HaltProcessing first) {
                e.restart("current", "first"); // B from its first task: halts again
              }
            });
    for (Consumer<WorkflowEngine<Item>> run : runs) {
      WorkflowEngine<Item> engine = halting();

      assertThatThrownBy(() -> run.accept(engine))
          .isInstanceOfSatisfying(
              HaltProcessing.class, halt -> assertThat(halt.message()).isEqualTo("wait"));
      assertThat(engine.state()).isEqualTo(EngineState.of(1, 1));
      assertThat(engine.currentTaskName()).isEqualTo("h");
    }
  }

  @Test
  void restartByName_afterAHalt_throwsTheNextHalt() {
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(Flow.of(rec("a"), Task.<Item>named("h", (o, e) -> e.halt("again"))));
    List<Item> objects = items("A", "B");
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);

    assertThatThrownBy(() -> engine.restart("next", "first"))
        .isInstanceOfSatisfying(
            HaltProcessing.class, halt -> assertThat(halt.message()).isEqualTo("again"));
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 1));
    assertThat(seen(objects)).isEqualTo("A:a B:a");
  }

  @Test
  void settersAndRuns_calledFromATask_areRefusedNamingTheCall() {
    List<String> refused = new ArrayList<>();
    WorkflowEngine<Item> engine = new WorkflowEngine<>();
    Flow<Item> flow =
        Flow.of(
            Task.named(
                "meddle",
                (o, e) -> {
                  List<Runnable> calls =
                      List.of(
                          () -> e.setDefinition(Flow.of(rec("x"))),
                          () -> e.setDefinition("other", Flow.of(rec("x"))),
                          () -> e.setCallbackChooser(item -> "*"),
                          () -> e.process(items("Z")),
                          () -> e.setState(EngineState.INITIAL));
                  for (Runnable call : calls) {
                    try {
                      call.run();
                    } catch (WorkflowError error) {
                      refused.add(error.getMessage().substring(0, error.getMessage().indexOf('(')));
                    }
                  }
                }));
    engine.setDefinition(flow);

    engine.process(items("A"));

    assertThat(refused)
        .containsExactly(
            "setDefinition", "setDefinition", "setCallbackChooser", "process", "setState");
    assertThat(engine.definitions()).containsOnlyKeys("*");
  }

  @Test
  void breakCurrentLoopOnReturn_outsideARun_isRefusedSayingWhereItBelongs() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));

    assertThatThrownBy(engine::breakCurrentLoopOnReturn)
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "breakCurrentLoopOnReturn() acts when the calling task returns; call it from a task"
                + " of a running engine");
    assertThatThrownBy(() -> engine.jumpCallOnReturn(1))
        .isInstanceOf(WorkflowError.class)
        .hasMessageStartingWith("jumpCallOnReturn() acts when the calling task returns");
  }

  private static EngineListener<Item> recording(String name, List<String> events) {
    return new EngineListener<>() {
      @Override
      public void started(WorkflowEngine<Item> e) {
        events.add(name + ":started");
      }

      @Override
      public void finished(WorkflowEngine<Item> e) {
        events.add(name + ":finished");
      }

      @Override
      public void halted(WorkflowEngine<Item> e, HaltProcessing halt) {
        events.add(name + ":halted:" + halt.message());
      }
    };
  }

  @Test
  void removingOneOfTwoListeners_leavesTheOtherTold() {
    List<String> events = new ArrayList<>();
    EngineListener<Item> first = recording("first", events);
    EngineListener<Item> second = recording("second", events);
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(Flow.of(rec("a"))).addListener(first).addListener(second);

    assertThat(engine.removeListener(first)).isTrue();
    assertThat(engine.removeListener(first)).isFalse();
    engine.process(items("A"));

    assertThat(events).containsExactly("second:started", "second:finished");
    assertThat(engine.removeListener(second)).isTrue();
    engine.process(items("B"));
    assertThat(events).hasSize(2);
  }

  @Test
  void haltsThatDoNotStopTheRun_areToldToListeners_andTheRunGoesOn() {
    List<String> events = new ArrayList<>();
    List<Item> objects = items("A", "B", "C");
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(
                Flow.of(rec("a"), on("B", "h", (o, e) -> e.halt("look at B")), rec("b")))
            .addListener(recording("l", events));

    engine.process(objects, true, false);

    assertThat(events)
        .containsExactly("l:started", "l:halted:look at B", "l:started", "l:finished");
    assertThat(seen(objects)).isEqualTo("A:ahb B:ah C:ahb");
    assertThat(engine.hasCompleted()).isTrue();
  }

  @Test
  void aListenerThatThrowsInStarted_isSkipped_andTheRunAndTheOthersGoOn() {
    List<String> events = new ArrayList<>();
    List<Item> objects = items("A");
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(Flow.of(rec("a")))
            .addListener(
                new EngineListener<>() {
                  @Override
                  public void started(WorkflowEngine<Item> e) {
                    throw new IllegalStateException("broken listener");
                  }
                })
            .addListener(recording("good", events));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:a");
    assertThat(events).containsExactly("good:started", "good:finished");
  }

  @Test
  void haltTwelveLevelsDeep_restartsThereAndFinishesTheEnclosingBlocks() {
    Flow<Item> inner = Flow.of(rec("x"), on("A", "h", (o, e) -> e.halt("deep")), rec("y"));
    Flow<Item> flow = inner;
    for (int level = 0; level < 11; level++) {
      flow = Flow.of(flow, rec("u" + level));
    }
    List<Item> objects = items("A");
    WorkflowEngine<Item> engine = new WorkflowEngine<>(flow);

    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);
    EngineState halted = engine.state();
    assertThat(halted.callbackPos()).hasSize(12).endsWith(1);

    WorkflowEngine<Item> other = new WorkflowEngine<>(flow);
    other.setState(halted);
    other.restart(RestartPosition.CURRENT, RestartPosition.NEXT, objects);

    StringBuilder expected = new StringBuilder("xhy");
    for (int level = 0; level < 11; level++) {
      expected.append("u").append(level);
    }
    assertThat(seen(objects)).isEqualTo("A:xh" + expected.substring(2));
    assertThat(other.hasCompleted()).isTrue();
  }

  @Test
  void setState_acceptsAPositionThatFitsAnyRegisteredDefinition_andRefusesOneThatFitsNone() {
    WorkflowEngine<Item> engine =
        new WorkflowEngine<Item>()
            .setDefinition("flat", Flow.of(rec("a")))
            .setDefinition("nested", Flow.of(rec("a"), Flow.of(rec("b"), rec("c"))));

    engine.setState(new EngineState(0, List.of(1, 1)));
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1, 1));

    assertThatThrownBy(() -> engine.setState(new EngineState(0, List.of(2, 0))))
        .isInstanceOf(WorkflowError.class)
        .hasMessageStartingWith("callbackPos [2, 0] does not point into the definition: ");
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1, 1));
  }

  @Test
  void fluentSetters_returnTheSameEngine() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>();
    EngineListener<Item> listener = new EngineListener<>() {};

    WorkflowEngine<Item> chained =
        engine
            .setDefinition(Flow.of(rec("a")))
            .setDefinition("b", Flow.of(rec("b")))
            .setCallbackChooser(item -> item.name.equals("B") ? "b" : "*")
            .addListener(listener)
            .setWorkflowId("wf-1");

    assertThat(chained).isSameAs(engine);
    List<Item> objects = items("A", "B");
    chained.process(objects);
    assertThat(seen(objects)).isEqualTo("A:a B:b");
    assertThat(engine.workflowId()).isEqualTo("wf-1");
  }

  @Test
  void listenersThatThrowAtAnyEvent_areSkipped_andTheOthersStillTold() {
    List<String> events = new ArrayList<>();
    EngineListener<Item> broken =
        new EngineListener<>() {
          @Override
          public void finished(WorkflowEngine<Item> e) {
            throw new IllegalStateException("finished");
          }

          @Override
          public void halted(WorkflowEngine<Item> e, HaltProcessing halt) {
            throw new IllegalStateException("halted");
          }

          @Override
          public void error(WorkflowEngine<Item> e, Throwable error) {
            throw new IllegalStateException("error");
          }
        };
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(
                Flow.of(
                    on("B", "h", (o, e) -> e.halt("B")),
                    on(
                        "C",
                        "x",
                        (o, e) -> {
                          throw new java.io.IOException("C failed");
                        })))
            .addListener(broken)
            .addListener(
                new EngineListener<>() {
                  @Override
                  public void finished(WorkflowEngine<Item> e) {
                    events.add("finished");
                  }

                  @Override
                  public void halted(WorkflowEngine<Item> e, HaltProcessing halt) {
                    events.add("halted " + halt.message());
                  }

                  @Override
                  public void error(WorkflowEngine<Item> e, Throwable error) {
                    events.add("error " + error.getMessage());
                  }
                });
    List<Item> objects = items("A", "B", "C", "D");

    engine.process(objects, false, false);

    assertThat(events).containsExactly("halted B", "error C failed", "finished");
    assertThat(seen(objects)).isEqualTo("A:hx B:h C:hx D:hx");
  }

  @Test
  void restart_withoutADefinition_isRefusedAsProcessIs() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>();

    assertThatThrownBy(
            () -> engine.restart(RestartPosition.FIRST, RestartPosition.FIRST, items("A")))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "the callbacks are empty, did you set them? Register a definition with"
                + " setDefinition(...)");
  }

  @Test
  void setDefinition_fromAPlainList_returnsTheEngine_andRunsTheList() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>();
    List<Item> items = items("A");

    assertThat(engine.setDefinition(List.of(rec("a"), List.of(rec("b"))))).isSameAs(engine);
    engine.process(items);
    assertThat(items.get(0).seen).containsExactly("a", "b");
  }

  @Test
  void aTasksOwnWorkflowError_reachesTheCaller_withItsPayload() {
    Object payload = List.of("row 7", "row 9");
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(
            Flow.of(
                Task.<Item>named(
                    "check",
                    (o, e) -> {
                      throw new WorkflowError("rows rejected", null, 0, payload, null);
                    })));

    assertThatThrownBy(() -> engine.process(items("A")))
        .isInstanceOfSatisfying(WorkflowError.class, e -> assertThat(e.payload()).isSameAs(payload))
        .hasMessage("rows rejected");
  }
}
