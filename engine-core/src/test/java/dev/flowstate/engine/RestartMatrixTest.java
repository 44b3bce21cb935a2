package dev.flowstate.engine;

import static dev.flowstate.engine.Item.items;
import static dev.flowstate.engine.Item.rec;
import static dev.flowstate.engine.Item.seen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 4×4 restart table of SEMANTICS §5. Definition {@code [0, [1, 2, 3], 4]} over objects A–D;
 * task 2 halts once, on B, so the run stops at object 1, task [1, 1]. Each cell restarts from there
 * and runs to the end; the expected logs say which tasks ran on which object.
 */
class RestartMatrixTest {

  @ParameterizedTest(name = "restart({0}, {1})")
  @CsvSource({
    // object, task, tasks seen by A, B, C, D after the restart finished
    "PREV,    PREV,    A:012341234 B:01201234 C:01234 D:01234",
    "PREV,    CURRENT, A:01234234 B:01201234 C:01234 D:01234",
    "PREV,    NEXT,    A:0123434 B:01201234 C:01234 D:01234",
    "PREV,    FIRST,   A:0123401234 B:01201234 C:01234 D:01234",
    "CURRENT, PREV,    A:01234 B:0121234 C:01234 D:01234",
    "CURRENT, CURRENT, A:01234 B:012234 C:01234 D:01234",
    "CURRENT, NEXT,    A:01234 B:01234 C:01234 D:01234",
    "CURRENT, FIRST,   A:01234 B:01201234 C:01234 D:01234",
    "NEXT,    PREV,    A:01234 B:012 C:1234 D:01234",
    "NEXT,    CURRENT, A:01234 B:012 C:234 D:01234",
    "NEXT,    NEXT,    A:01234 B:012 C:34 D:01234",
    "NEXT,    FIRST,   A:01234 B:012 C:01234 D:01234",
    "FIRST,   PREV,    A:012341234 B:01201234 C:01234 D:01234",
    "FIRST,   CURRENT, A:01234234 B:01201234 C:01234 D:01234",
    "FIRST,   NEXT,    A:0123434 B:01201234 C:01234 D:01234",
    "FIRST,   FIRST,   A:0123401234 B:01201234 C:01234 D:01234",
  })
  void restart_afterHaltInNestedBlock_continuesFromTheChosenCell(
      RestartPosition object, RestartPosition task, String expected) {
    List<Item> objects = items("A", "B", "C", "D");
    // task 2 halts on B's first pass only (B has seen exactly "012" then)
    Task<Item> two =
        Task.named(
            "2",
            (o, e) -> {
              o.seen.add("2");
              if (o.name.equals("B") && o.seen.size() == 3) {
                e.halt("stop here");
              }
            });
    WorkflowEngine<Item> engine =
        new WorkflowEngine<>(Flow.of(rec("0"), Flow.of(rec("1"), two, rec("3")), rec("4")));

    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 1, 1));
    assertThat(seen(objects)).isEqualTo("A:01234 B:012 C: D:");

    engine.restart(object, task);

    assertThat(seen(objects)).isEqualTo(expected);
    assertThat(engine.state()).isEqualTo(EngineState.of(3, 0));
    assertThat(engine.hasCompleted()).isTrue();
  }
}
