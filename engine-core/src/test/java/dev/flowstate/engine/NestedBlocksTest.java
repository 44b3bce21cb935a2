package dev.flowstate.engine;

import static dev.flowstate.engine.Item.items;
import static dev.flowstate.engine.Item.on;
import static dev.flowstate.engine.Item.rec;
import static dev.flowstate.engine.Item.seen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocks nested three and four deep, with halts, jumps and breaks inside them. */
class NestedBlocksTest {

  private static Task<Item> haltOnFirstVisit(String label, String objectName) {
    return Task.named(
        label,
        (o, e) -> {
          o.seen.add(label);
          if (o.name.equals(objectName) && o.seen.stream().filter(label::equals).count() == 1) {
            e.halt("halt " + label);
          }
        });
  }

  private final Flow<Item> deep =
      Flow.of(
          rec("a"),
          Flow.of(
              rec("b"),
              Flow.of(rec("c"), Flow.of(rec("d"), haltOnFirstVisit("H", "B"), rec("e")), rec("f")),
              rec("g")),
          rec("h"));

  @Test
  void haltFourDeep_pointsAtTheHaltingTask_andResumesRightAfterIt() {
    List<Item> objects = items("A", "B", "C");
    WorkflowEngine<Item> engine = new WorkflowEngine<>(deep);

    assertThatThrownBy(() -> engine.process(objects))
        .isInstanceOf(HaltProcessing.class)
        .hasMessage("halt H");
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 1, 1, 1, 1));
    assertThat(engine.currentTaskName()).isEqualTo("H");

    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(seen(objects)).isEqualTo("A:abcdHefgh B:abcdHefgh C:abcdHefgh");
    assertThat(engine.state()).isEqualTo(EngineState.of(2, 0));
  }

  @Test
  void haltFourDeep_restartCurrentCurrent_runsTheHaltingTaskAgain() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine = new WorkflowEngine<>(deep);
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);

    engine.restart(RestartPosition.CURRENT, RestartPosition.CURRENT);

    assertThat(seen(objects)).isEqualTo("A:abcdHefgh B:abcdHHefgh");
  }

  @Test
  void haltFourDeep_restartCurrentPrev_runsTheTaskBeforeItInTheSameBlock() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine = new WorkflowEngine<>(deep);
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);

    engine.restart(RestartPosition.CURRENT, RestartPosition.PREV);

    assertThat(seen(objects)).isEqualTo("A:abcdHefgh B:abcdHdHefgh");
  }

  @Test
  void jumpCallDeepInside_staysWithinItsBlock() {
    List<Item> objects = items("A");
    int[] loops = {0};
    Flow<Item> flow =
        Flow.of(
            rec("a"),
            Flow.of(
                rec("b"),
                Flow.of(
                    rec("c"),
                    Task.named(
                        "j",
                        (o, e) -> {
                          o.seen.add("j");
                          if (loops[0]++ < 2) {
                            e.jumpCall(-1); // back to c, inside the third level only
                          }
                        }),
                    Task.named(
                        "skip",
                        (o, e) -> {
                          o.seen.add("s");
                          e.jumpCall(2);
                        }),
                    rec("never"),
                    rec("d")),
                rec("e")),
            rec("f"));

    new WorkflowEngine<>(flow).process(objects);

    assertThat(seen(objects)).isEqualTo("A:abcjcjcjsdef");
  }

  @Test
  void breakThreeDeep_resumesInTheEnclosingBlock_andHaltAfterItResumesThere() {
    List<Item> objects = items("A", "B");
    Flow<Item> flow =
        Flow.of(
            rec("a"),
            Flow.of(
                Flow.of(rec("b"), Patterns0.brk(), rec("never")),
                haltOnFirstVisit("H", "A"),
                rec("c")),
            rec("d"));
    WorkflowEngine<Item> engine = new WorkflowEngine<>(flow);

    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1, 1));
    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(seen(objects)).isEqualTo("A:ab!Hcd B:ab!Hcd");
  }

  @Test
  void emptyNestedBlocks_areWalkedThrough() {
    List<Item> objects = items("A");
    Flow<Item> flow = Flow.of(rec("a"), Flow.empty(), Flow.of(Flow.empty(), rec("b")), rec("c"));

    new WorkflowEngine<>(flow).process(objects);

    assertThat(seen(objects)).isEqualTo("A:abc");
  }

  @Test
  void restartAtNextAfterLastTaskOfNestedBlock_goesOnAfterTheBlock() {
    List<Item> objects = items("A");
    Flow<Item> flow =
        Flow.of(
            rec("a"), Flow.of(rec("b"), Flow.of(rec("c"), haltOnFirstVisit("H", "A"))), rec("d"));
    WorkflowEngine<Item> engine = new WorkflowEngine<>(flow);
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1, 1, 1));

    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(seen(objects)).isEqualTo("A:abcHd");
  }

  @Test
  void currentTaskName_ofABlockPosition_rendersTheBlock() {
    List<Item> objects = items("A");
    Flow<Item> flow =
        Flow.of(rec("a"), on("A", "h", (o, e) -> e.halt()), Flow.of(rec("b"), rec("c")));
    WorkflowEngine<Item> engine = new WorkflowEngine<>(flow);
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);

    engine.setState(EngineState.of(0, 2));

    assertThat(engine.currentTaskName()).isEqualTo("[b, c]");
  }
}
