package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Patterns.forEach;
import static dev.flowstate.engine.patterns.Patterns.ifElse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples of the reference documentation, ported, with the outcomes it prints. */
class ReferenceExamplesTest {

  /**
   * "Loops and interrupts": append [0, 1] until the list is at least [0, 1, 0, 1], then append 1
   * and halt; the caller restarts with ("next", "first") until the run ends. The reference's task
   * calls restart('current', 'first') from inside the run; our engine refuses re-entry, and
   * jumpToken(0) says the same thing: this object again, from its first task.
   */
  @Test
  void loopsAndInterrupts_endWithTheDocumentedLists() {
    List<String> printed = new ArrayList<>();
    Task<List<Integer>> appendFrom =
        Task.named(
            "appendFrom",
            (obj, eng) -> {
              obj.add((Integer) eng.extraData().get("my_current_value"));
              printed.add("new data: " + obj);
            });
    Flow<List<Integer>> workflow =
        Flow.of(
            forEach(List.of(0, 1), "my_current_value", appendFrom),
            ifElse(
                (obj, eng) -> lessThan(obj, List.of(0, 1, 0, 1)),
                Task.named(
                    "restartWorkflow",
                    (obj, eng) -> {
                      printed.add("Restarting the engine");
                      eng.jumpToken(0);
                    }),
                Flow.of(
                    appendFrom,
                    Task.named(
                        "interrupt",
                        (obj, eng) -> {
                          printed.add("Raising HaltProcessing");
                          eng.halt("interrupting this workflow.");
                        }))));
    List<List<Integer>> objects =
        List.of(
            new ArrayList<>(),
            new ArrayList<>(List.of(0, 1)),
            new ArrayList<>(List.of(0, 1, 0, 1)));
    WorkflowEngine<List<Integer>> engine = new WorkflowEngine<>(workflow);

    try {
      engine.process(objects);
    } catch (HaltProcessing halt) {
      while (true) {
        try {
          engine.restart(RestartPosition.NEXT, RestartPosition.FIRST);
          break;
        } catch (HaltProcessing again) {
          continue;
        }
      }
    }

    assertThat(objects)
        .containsExactly(
            List.of(0, 1, 0, 1, 1), List.of(0, 1, 0, 1, 1), List.of(0, 1, 0, 1, 0, 1, 1));
    assertThat(printed)
        .containsExactly(
            "new data: [0]",
            "new data: [0, 1]",
            "Restarting the engine",
            "new data: [0, 1, 0]",
            "new data: [0, 1, 0, 1]",
            "new data: [0, 1, 0, 1, 1]",
            "Raising HaltProcessing",
            "new data: [0, 1, 0]",
            "new data: [0, 1, 0, 1]",
            "new data: [0, 1, 0, 1, 1]",
            "Raising HaltProcessing",
            "new data: [0, 1, 0, 1, 0]",
            "new data: [0, 1, 0, 1, 0, 1]",
            "new data: [0, 1, 0, 1, 0, 1, 1]",
            "Raising HaltProcessing");
    assertThat(engine.hasCompleted()).isTrue();
  }

  /** Python's list ordering: element by element, a shorter prefix is smaller. */
  private static boolean lessThan(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return a.get(i) < b.get(i);
      }
    }
    return a.size() < b.size();
  }
}
