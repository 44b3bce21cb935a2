package dev.flowstate.engine;

import static dev.flowstate.engine.Item.items;
import static dev.flowstate.engine.Item.on;
import static dev.flowstate.engine.Item.rec;
import static dev.flowstate.engine.Item.seen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error and changes nothing. */
class BadInputTest {

  private final List<String> events = new ArrayList<>();

  private WorkflowEngine<Item> halted(List<Item> objects, Flow<Item> flow) {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(flow);
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);
    engine.addListener(
        new EngineListener<>() {
          @Override
          public void started(WorkflowEngine<Item> e) {
            events.add("started");
          }
        });
    return engine;
  }

  @Test
  void process_nullObjects_failsSayingItIsNotAList() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));

    assertThatThrownBy(() -> engine.process(null))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "the objects to process are not a list of objects (got null); pass a List, even an"
                + " empty one");
    assertThat(engine.state()).isEqualTo(EngineState.INITIAL);
  }

  @Test
  void process_emptyList_runsNothingAndCompletesNothing() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));

    engine.process(List.of());

    assertThat(engine.state()).isEqualTo(EngineState.INITIAL);
    assertThat(engine.hasCompleted()).isFalse();
  }

  @Test
  void process_noDefinition_failsAskingWhetherCallbacksWereSet() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>();

    assertThatThrownBy(() -> engine.process(items("A")))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "the callbacks are empty, did you set them? Register a definition with"
                + " setDefinition(...)");
  }

  @Test
  void process_chooserReturnsUnknownKey_failsNamingKeyAndRegisteredOnes() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));
    engine.setDefinition("pdf", Flow.of(rec("p")));
    engine.setCallbackChooser(item -> item.name.equals("A") ? "pdf" : "html");
    List<Item> objects = items("A", "B");

    assertThatThrownBy(() -> engine.process(objects))
        .isInstanceOfSatisfying(WorkflowError.class, e -> assertThat(e.objectIndex()).isEqualTo(1))
        .hasMessage(
            "no workflow definition is registered for the key 'html'; perhaps you forgot to load"
                + " the definition for it? Registered keys: [*, pdf]");
    assertThat(seen(objects)).isEqualTo("A:p B:");
  }

  @Test
  void callbackChooser_picksDefinitionPerObject() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("d")));
    engine.setDefinition("pdf", Flow.of(rec("p"), rec("q")));
    engine.setCallbackChooser(item -> item.name.startsWith("P") ? "pdf" : "*");
    List<Item> objects = items("P1", "X", "P2");

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("P1:pq X:d P2:pq");
  }

  @Test
  void flowOf_nullTask_failsNamingItsPosition() {
    Task<Item> missing = null;

    assertThatThrownBy(() -> Flow.of(rec("a"), missing))
        .isInstanceOf(DefinitionError.class)
        .hasMessage(
            "definition element [1] is null; a definition holds tasks and nested flows only");
  }

  @Test
  void flowOfList_nullDeepInside_failsNamingItsPath() {
    List<Object> definition = List.of(rec("a"), List.of(rec("b"), Arrays.asList(rec("c"), null)));

    assertThatThrownBy(() -> Flow.of(definition))
        .isInstanceOf(DefinitionError.class)
        .hasMessage(
            "definition element [1, 1, 1] is null; a definition holds tasks and nested lists"
                + " only");
  }

  @Test
  void flowOfList_foreignElement_failsNamingItsType() {
    assertThatThrownBy(() -> Flow.of(List.of(rec("a"), "oops")))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("definition element [1] is a java.lang.String, not a task, a flow or a list");
  }

  @Test
  void plainNestedList_runsLikeTheEquivalentFlow() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>();
    engine.setDefinition(List.of(rec("a"), List.of(rec("b"), List.of(rec("c"))), rec("d")));
    List<Item> objects = items("A");

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:abcd");
    assertThat(engine.definition("*").orElseThrow().toString()).isEqualTo("[a, [b, [c]], d]");
  }

  @Test
  void restart_prevAtFirstObject_failsAndChangesNothing() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine =
        halted(objects, Flow.of(rec("a"), on("A", "h", (o, e) -> e.halt())));

    assertThatThrownBy(() -> engine.restart(RestartPosition.PREV, RestartPosition.FIRST))
        .isInstanceOf(WorkflowError.class)
        .hasMessage("cannot restart at the previous object: the current object is the first one");
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1));
    assertThat(seen(objects)).isEqualTo("A:ah B:");
    assertThat(events).isEmpty();
  }

  @Test
  void restart_prevTaskAtFirstOfBlock_failsAndChangesNothing() {
    List<Item> objects = items("A");
    WorkflowEngine<Item> engine =
        halted(objects, Flow.of(rec("a"), Flow.of(on("A", "h", (o, e) -> e.halt()), rec("b"))));

    assertThatThrownBy(() -> engine.restart(RestartPosition.CURRENT, RestartPosition.PREV))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "cannot restart at the previous task: the current task [1, 0] is the first of its"
                + " block");
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1, 0));
    assertThat(events).isEmpty();
  }

  @Test
  void restart_nextTaskPastEndOfBlock_failsAndChangesNothing() {
    List<Item> objects = items("A");
    WorkflowEngine<Item> engine =
        halted(objects, Flow.of(rec("a"), on("A", "h", (o, e) -> e.halt())));
    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT); // to [2], one past the end
    engine.setState(EngineState.of(0, 2));

    assertThatThrownBy(() -> engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "cannot restart at task [3] of object 0: index 3 at depth 0 is outside its block of 2"
                + " elements (there is no next task)");
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 2));
  }

  @Test
  void restart_currentBeforeAnyRun_failsSayingNoObjectWasProcessed() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));

    assertThatThrownBy(
            () -> engine.restart(RestartPosition.CURRENT, RestartPosition.FIRST, items("A")))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "cannot restart at the current object: no object has been processed yet; use"
                + " restart(FIRST, FIRST) or process(objects)");
    assertThat(engine.state()).isEqualTo(EngineState.INITIAL);
  }

  @Test
  void restart_unknownPositionName_failsNamingTheBadValueBeforeAnythingMoves() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine = halted(objects, Flow.of(on("B", "h", (o, e) -> e.halt())));

    assertThatThrownBy(() -> engine.restart("current", "sideways"))
        .isInstanceOf(WorkflowError.class)
        .hasMessage("unknown restart position 'sideways'; use one of [prev, current, next, first]");
    assertThatThrownBy(() -> engine.restart("backwards", "first"))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "unknown restart position 'backwards'; use one of [prev, current, next, first]");
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 0));
    assertThat(events).isEmpty();
  }

  @Test
  void restart_withPositionNamesAsInTheReference_works() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine =
        halted(objects, Flow.of(rec("a"), on("A", "h", (o, e) -> e.halt()), rec("b")));

    engine.restart("current", "next");

    assertThat(seen(objects)).isEqualTo("A:ahb B:ahb");
  }

  @Test
  void restart_nullPosition_fails() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));

    assertThatThrownBy(() -> engine.restart(null, RestartPosition.FIRST))
        .isInstanceOf(WorkflowError.class)
        .hasMessage("restart needs an object and a task position, got (null, FIRST)");
  }

  @Test
  void engineState_tokenPosBelowMinusOne_isRefused() {
    assertThatThrownBy(() -> EngineState.of(-2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokenPos must be -1 (before the first object) or an object index, got -2");
  }

  @Test
  void engineState_emptyOrNegativeCallbackPos_isRefused() {
    assertThatThrownBy(() -> new EngineState(0, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callbackPos must hold at least one index (the first task is [0]), got []");
    assertThatThrownBy(() -> EngineState.of(0, 1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callbackPos holds only indices >= 0, got [1, -1]");
  }

  @Test
  void setState_callbackPosOutsideDefinition_failsAndChangesNothing() {
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(Flow.of(rec("a"), Flow.of(rec("b"), rec("c"))));

    assertThatThrownBy(() -> engine.setState(EngineState.of(0, 1, 5)))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "callbackPos [1, 5] does not point into the definition: index 5 at depth 1 is outside"
                + " its block of 2 elements; was the state stored for another definition?");
    assertThatThrownBy(() -> engine.setState(EngineState.of(0, 0, 1)))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "callbackPos [0, 1] does not point into the definition: index 0 at depth 0 is a"
                + " task, not a nested block; was the state stored for another definition?");
    assertThat(engine.state()).isEqualTo(EngineState.INITIAL);
  }

  @Test
  void setState_thenRestart_resumesInAFreshEngine() {
    List<Item> objects = items("A", "B", "C");
    Flow<Item> flow =
        Flow.of(rec("a"), Flow.of(rec("b"), on("B", "h", (o, e) -> e.halt())), rec("c"));
    WorkflowEngine<Item> first = new WorkflowEngine<>(flow);
    assertThatThrownBy(() -> first.process(objects)).isInstanceOf(HaltProcessing.class);
    EngineState stored = first.state();

    WorkflowEngine<Item> second = new WorkflowEngine<>(flow);
    second.setState(stored);
    second.restart(RestartPosition.CURRENT, RestartPosition.NEXT, objects);

    assertThat(stored).isEqualTo(EngineState.of(1, 1, 1));
    assertThat(seen(objects)).isEqualTo("A:abhc B:abhc C:abhc");
    assertThat(second.hasCompleted()).isTrue();
  }

  @Test
  void processFromInsideATask_isRefusedWithAHint() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>();
    engine.setDefinition(
        Flow.of(
            Task.named(
                "nested", (o, e) -> e.restart(RestartPosition.CURRENT, RestartPosition.FIRST))));

    assertThatThrownBy(() -> engine.process(items("A")))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "restart() was called while the engine is running (from inside a task?); a task"
                + " changes the flow with the control methods instead: jumpToken(0) runs the"
                + " current object again from its first task");
  }

  @Test
  void jumpCallFromAHook_isAnErrorNotASilentJump() {
    EngineHooks<Item> hooks =
        new EngineHooks<>() {
          @Override
          public void beforeCallbacks(WorkflowEngine<Item> engine, Item obj) {
            engine.jumpCall(2);
          }
        };
    WorkflowEngine<Item> engine = new WorkflowEngine<>(hooks, null);
    engine.setDefinition(Flow.of(rec("a")));

    assertThatThrownBy(() -> engine.process(items("A")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("jumpCall(2) was called outside a task; call it from a task of the definition");
  }

  @Test
  void taskNamed_blankName_isRefused() {
    assertThatThrownBy(() -> Task.named(" ", (Item o, WorkflowEngine<Item> e) -> {}))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("a task name must not be blank");
  }
}
