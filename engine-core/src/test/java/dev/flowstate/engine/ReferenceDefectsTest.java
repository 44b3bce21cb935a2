package dev.flowstate.engine;

import static dev.flowstate.engine.Item.items;
import static dev.flowstate.engine.Item.on;
import static dev.flowstate.engine.Item.rec;
import static dev.flowstate.engine.Item.seen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The defects of the reference engine that SEMANTICS.md lists, one test each, showing what we do
 * instead. (The pattern defects are in {@code patterns.PatternDefectsTest}.)
 */
class ReferenceDefectsTest {

  /**
   * The reference's skip_token does not reset callback_pos, so the next object starts at the
   * skipped object's position: with a skip at task 2, the next object would begin at task 2 and
   * never run tasks 0 and 1. We reset it.
   */
  @Test
  void skipToken_resetsTaskPosition_soNextObjectStartsAtItsFirstTask() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(
            Flow.of(rec("0"), rec("1"), on("A", "s", (o, e) -> e.skipToken()), rec("3")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:01s B:01s3");
  }

  /**
   * The reference sends workflow_halted for every exception a task raises and never workflow_error.
   * We send error, and halted only for halts.
   */
  @Test
  void taskException_emitsErrorNotHalted() {
    List<String> events = new ArrayList<>();
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(
            Flow.of(
                Task.named(
                    "x",
                    (Item o, WorkflowEngine<Item> e) -> {
                      throw new IllegalStateException("broken");
                    })));
    engine.addListener(
        new EngineListener<>() {
          @Override
          public void halted(WorkflowEngine<Item> e, HaltProcessing halt) {
            events.add("halted");
          }

          @Override
          public void error(WorkflowEngine<Item> e, Throwable error) {
            events.add("error " + error.getMessage());
          }
        });

    assertThatThrownBy(() -> engine.process(items("A"))).hasMessage("broken");
    assertThat(events).containsExactly("error broken");
  }

  /**
   * The reference's restart('prev', ...) on the first object fails with an obscure attribute error
   * from its state object. We say there is no previous object.
   */
  @Test
  void restartPrevObjectAtFirstObject_saysThereIsNoPreviousObject() {
    List<Item> objects = items("A");
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(on("A", "h", (o, e) -> e.halt())));
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);

    assertThatThrownBy(() -> engine.restart("prev", "current"))
        .isInstanceOf(WorkflowError.class)
        .hasMessage("cannot restart at the previous object: the current object is the first one");
  }

  /**
   * The reference's restart(..., 'prev') on the first task of a block sets the index to -1, which
   * Python reads as the block's last task: the restart silently wraps round. We refuse.
   */
  @Test
  void restartPrevTaskAtFirstTask_isRefusedInsteadOfWrappingRound() {
    List<Item> objects = items("A");
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(Flow.of(on("A", "h", (o, e) -> e.halt()), rec("last")));
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);

    assertThatThrownBy(() -> engine.restart("current", "prev"))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "cannot restart at the previous task: the current task [0] is the first of its block");
    assertThat(seen(objects)).isEqualTo("A:h");
  }

  /**
   * The reference moves token_pos before it checks the task argument, and its message for a bad
   * task names the object argument. We check both first and name the bad value.
   */
  @Test
  void restartUnknownTask_namesTheTaskValue_andDoesNotMoveTheObject() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(on("B", "h", (o, e) -> e.halt())));
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);

    assertThatThrownBy(() -> engine.restart("first", "middle"))
        .hasMessage("unknown restart position 'middle'; use one of [prev, current, next, first]");
    assertThat(engine.state().tokenPos()).isEqualTo(1);
  }

  /**
   * The reference's engine_db does not call the base after_processing, so hasCompleted() stays
   * false and workflow_finished is never sent. Our hooks cannot skip the engine's own work: a hook
   * overriding afterProcessing still sees hasCompleted() and the event still goes out.
   */
  @Test
  void overridingAfterProcessing_cannotLoseCompletionOrTheFinishedEvent() {
    List<String> events = new ArrayList<>();
    EngineHooks<Item> saving =
        new EngineHooks<>() {
          @Override
          public void afterProcessing(WorkflowEngine<Item> e, List<? extends Item> objects) {
            events.add("saved completed=" + e.hasCompleted());
          }
        };
    WorkflowEngine<Item> engine = new WorkflowEngine<>(saving, null);
    engine.setDefinition(Flow.of(rec("a")));
    engine.addListener(
        new EngineListener<>() {
          @Override
          public void finished(WorkflowEngine<Item> e) {
            events.add("finished");
          }
        });

    engine.process(items("A"));

    assertThat(events).containsExactly("saved completed=true", "finished");
    assertThat(engine.hasCompleted()).isTrue();
  }
}
