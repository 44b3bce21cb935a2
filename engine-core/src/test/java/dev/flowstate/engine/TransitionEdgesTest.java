package dev.flowstate.engine;

import static dev.flowstate.engine.Item.items;
import static dev.flowstate.engine.Item.on;
import static dev.flowstate.engine.Item.rec;
import static dev.flowstate.engine.Item.seen;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A custom transition table that ends the run on each row, listeners on that path, a jump asked for
 * outside a task, the preallocated jumps at the edges of their cache, and task names.
 */
class TransitionEdgesTest {

  /** A table that records each row and ends the run there. */
  private static TransitionTable<Item> endingAt(List<String> rows) {
    return new TransitionTable<>() {
      @Override
      public Next onHalt(WorkflowEngine<Item> e, Item obj, HaltProcessing halt) {
        rows.add("halt " + obj.name);
        return Next.END_RUN;
      }

      @Override
      public Next onStop(WorkflowEngine<Item> e, Item obj) {
        rows.add("stop " + obj.name);
        return Next.END_RUN;
      }

      @Override
      public Next onAbort(WorkflowEngine<Item> e, Item obj) {
        rows.add("abort " + obj.name);
        return Next.END_RUN;
      }

      @Override
      public Next onContinueNextToken(WorkflowEngine<Item> e, Item obj) {
        rows.add("continue " + obj.name);
        return Next.END_RUN;
      }

      @Override
      public Next onSkipToken(WorkflowEngine<Item> e, Item obj) {
        rows.add("skip " + obj.name);
        return Next.END_RUN;
      }

      @Override
      public Next onJumpToken(WorkflowEngine<Item> e, Item obj, int offset) {
        rows.add("jump " + obj.name);
        return Next.END_RUN;
      }

      @Override
      public Next onError(WorkflowEngine<Item> e, Item obj, Throwable error) {
        rows.add("error " + obj.name + ": " + error.getMessage());
        return Next.END_RUN;
      }
    };
  }

  @Test
  void customTableEndingTheRun_atEachRow_leavesTheLaterObjectsUntouched() {
    List<Task<Item>> enders =
        List.of(
            Task.named("h", (o, e) -> e.halt("h")),
            Task.named("s", (o, e) -> e.stop()),
            Task.named("a", (o, e) -> e.abort()),
            Task.named("c", (o, e) -> e.continueNextToken()),
            Task.named("k", (o, e) -> e.skipToken()),
            Task.named("j", (o, e) -> e.jumpToken(1)));
    List<String> expected =
        List.of("halt B", "stop B", "abort B", "continue B", "skip B", "jump B");
    for (int i = 0; i < enders.size(); i++) {
      List<String> rows = new ArrayList<>();
      List<String> events = new ArrayList<>();
      Task<Item> ender = enders.get(i);
      WorkflowEngine<Item> engine =
          new WorkflowEngine<Item>(null, endingAt(rows))
              .setDefinition(Flow.of(rec("a"), on("B", "x", ender), rec("b")))
              .addListener(
                  new EngineListener<>() {
                    @Override
                    public void halted(WorkflowEngine<Item> e, HaltProcessing halt) {
                      events.add("halted " + halt.message());
                    }

                    @Override
                    public void finished(WorkflowEngine<Item> e) {
                      events.add("finished");
                    }
                  });
      List<Item> objects = items("A", "B", "C");

      engine.process(objects);

      assertThat(rows).containsExactly(expected.get(i));
      assertThat(seen(objects)).isEqualTo("A:axb B:ax C:");
      assertThat(events).isEqualTo(i == 0 ? List.of("halted h", "finished") : List.of("finished"));
    }
  }

  @Test
  void aJumpAskedForFromAHook_failsTheObjectThroughTheTable_andTellsTheListeners() {
    List<String> rows = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    EngineHooks<Item> hooks =
        new EngineHooks<>() {
          @Override
          public void beforeObject(WorkflowEngine<Item> engine, Item obj) {
            if (obj.name.equals("B")) {
              engine.jumpCall(1);
            }
          }
        };
    WorkflowEngine<Item> engine =
        new WorkflowEngine<Item>(hooks, endingAt(rows))
            .setDefinition(Flow.of(rec("a")))
            .addListener(
                new EngineListener<>() {
                  @Override
                  public void error(WorkflowEngine<Item> e, Throwable error) {
                    errors.add(error.getMessage());
                  }
                });
    List<Item> objects = items("A", "B", "C");

    engine.process(objects);

    String message = "jumpCall(1) was called outside a task; call it from a task of the definition";
    assertThat(rows).containsExactly("error B: " + message);
    assertThat(errors).containsExactly(message);
    assertThat(seen(objects)).isEqualTo("A:a B: C:");
  }

  @Test
  void jumps_withinTheCache_areShared_andBeyondItCarryTheirOffset() {
    for (int offset : new int[] {-64, -1, 0, 1, 64}) {
      assertThat(Transition.jumpCall(offset)).isSameAs(Transition.jumpCall(offset));
      assertThat(Transition.jumpToken(offset)).isSameAs(Transition.jumpToken(offset));
      assertThat(Transition.jumpCall(offset).offset).isEqualTo(offset);
      assertThat(Transition.jumpToken(offset).offset).isEqualTo(offset);
    }
    for (int offset : new int[] {-65, 65, 1000}) {
      assertThat(Transition.jumpCall(offset)).isNotSameAs(Transition.jumpCall(offset));
      assertThat(Transition.jumpToken(offset)).isNotSameAs(Transition.jumpToken(offset));
      assertThat(Transition.jumpCall(offset).offset).isEqualTo(offset);
      assertThat(Transition.jumpToken(offset).offset).isEqualTo(offset);
    }
  }

  @Test
  void currentTaskName_isNullBeforeAnyDefinition_andOutsideTheBlock_andNamesBlocksByTheirSteps() {
    assertThat(new WorkflowEngine<Item>().currentTaskName()).isNull();

    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(Flow.of(rec("a"), Flow.of(rec("b"), rec("c"))));
    assertThat(engine.currentTaskName()).isEqualTo("a");
    engine.setState(new EngineState(0, List.of(1, 1)));
    assertThat(engine.currentTaskName()).isEqualTo("c");
    engine.setState(new EngineState(0, List.of(1)));
    assertThat(engine.currentTaskName()).isEqualTo("[b, c]");
    engine.setState(new EngineState(0, List.of(2)));
    assertThat(engine.currentTaskName()).isNull();
  }

  @Test
  void unnamedTasks_areNamedAfterTheirClass_lambdasAfterWhereTheyWereWritten() {
    Task<Item> lambda = (o, e) -> {};
    assertThat(Names.of(lambda)).isEqualTo("lambda in TransitionEdgesTest");
    assertThat(Names.of(new Named())).isEqualTo("Named");
    assertThat(
            Names.of(
                new Task<Item>() {
                  @Override
                  public void run(Item obj, WorkflowEngine<Item> engine) {}
                }))
        .matches("TransitionEdgesTest\\$\\d+");
  }

  static final class Named implements Task<Item> {
    @Override
    public void run(Item obj, WorkflowEngine<Item> engine) {}
  }
}
