package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Patterns.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The patterns' parameters as fingerprints render them, their argument checks at the edges, and the
 * small Flow and engine accessors the patterns build on.
 */
class PatternEdgesTest {

  private static Task<Doc> rec(String label) {
    return Task.named(label, (o, e) -> o.seen.add(label));
  }

  @Test
  void describe_rendersEachKindOfParameterTheSameInEveryJvm() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("k", List.of(1, 2));
    map.put("n", null);
    Task<Doc> lambda = (o, e) -> {};

    assertThat(describe(null)).isEqualTo("null");
    assertThat(describe(Flow.of(rec("a"), rec("b"))))
        .isEqualTo(Flow.of(rec("a"), rec("b")).signature());
    assertThat(describe(rec("a"))).isEqualTo(rec("a").signature());
    assertThat(describe(List.of("x", 2))).isEqualTo("[x, 2]");
    assertThat(describe(List.of())).isEqualTo("[]");
    assertThat(describe(map)).isEqualTo("{k=[1, 2], n=null}");
    assertThat(describe(Map.of())).isEqualTo("{}");
    assertThat(describe(lambda)).isEqualTo("lambda in PatternEdgesTest");
    assertThat(describe(new Object())).isEqualTo("java.lang.Object");
    assertThat(describe(42)).isEqualTo("42");
    assertThat(describe(java.time.Duration.ofSeconds(3))).isEqualTo("PT3S");
  }

  @Test
  void runWorkflow_fingerprint_saysWhetherTheChildIsMadeAfresh() {
    Flow<Doc> child = Flow.of(rec("c"));
    Value<Doc, List<Doc>> parts = (o, e) -> List.of();

    assertThat(runWorkflow(child, parts, "k", true).signature())
        .isEqualTo("runWorkflow(k)([c] over lambda in PatternEdgesTest, reinit)");
    assertThat(runWorkflow(child, parts, "k", false).signature())
        .isEqualTo("runWorkflow(k)([c] over lambda in PatternEdgesTest)");
  }

  @Test
  void simpleMerge_needsABranchAndTheLastStep_andNamesANullOne() {
    assertThatThrownBy(() -> simpleMerge(rec("only")))
        .isInstanceOf(DefinitionError.class)
        .hasMessage(
            "simpleMerge needs at least one branch and the step that follows (two arguments)");
    assertThatThrownBy(() -> simpleMerge((Step<Doc>[]) null))
        .isInstanceOf(DefinitionError.class)
        .hasMessageStartingWith("simpleMerge needs at least one branch");
    assertThatThrownBy(() -> simpleMerge(rec("a"), null, rec("c")))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("simpleMerge branch 1 is null");
    assertThatThrownBy(() -> simpleMerge(rec("a"), rec("b"), null))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("simpleMerge last step is null");
  }

  @Test
  void simpleMerge_runsTheFirstBranchThenTheLastStep_skippingTheOthers() {
    Doc doc = new Doc("d", 0);

    new WorkflowEngine<>(Flow.of(simpleMerge(rec("a"), rec("b"), rec("c"), rec("last"))))
        .process(List.of(doc));

    assertThat(doc.seen).containsExactly("a", "last");
  }

  @Test
  void forwardJumps_acceptZero_andRefuseNegativeSteps() {
    assertThat(objJumpFwd(0).name()).isEqualTo("objJumpFwd(0)");
    assertThat(taskJumpFwd(0).name()).isEqualTo("taskJumpFwd(0)");
    assertThatThrownBy(() -> objJumpFwd(-1))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("objJumpFwd needs a step of 0 or more, got -1; use objJumpBwd to go back");
    assertThatThrownBy(() -> taskJumpFwd(-1))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("taskJumpFwd needs a step of 0 or more, got -1; use taskJumpBwd to go back");
  }

  @Test
  void tryTask_acceptsZeroRetries_andRefusesNegativeOnes() {
    Doc doc = new Doc("d", 0);
    int[] calls = {0};
    new WorkflowEngine<>(Flow.of(tryTask(Task.<Doc>named("once", (o, e) -> calls[0]++), 0)))
        .process(List.of(doc));
    assertThat(calls[0]).isOne();
    assertThatThrownBy(() -> tryTask(rec("a"), -1))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("tryTask needs 0 or more retries, got -1");
  }

  @Test
  void loopBodies_refuseANullElementNamingItsPosition() {
    assertThatThrownBy(() -> whileLoop((o, e) -> false, rec("a"), null))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("whileLoop body element 1 is null");
    assertThatThrownBy(() -> whileLoop((o, e) -> false, (Step<Doc>[]) null))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("whileLoop needs a body, got null");
  }

  @Test
  void flowThen_appendsAfterTheElements_leavingTheOriginalAlone() {
    Flow<Doc> first = Flow.of(rec("a"));
    Flow<Doc> both = first.then(rec("b"), rec("c"));
    Doc doc = new Doc("d", 0);

    new WorkflowEngine<>(both).process(List.of(doc));

    assertThat(doc.seen).containsExactly("a", "b", "c");
    assertThat(first.steps()).hasSize(1);
    assertThat(both.steps()).hasSize(3);
    assertThat(both.steps().get(2)).isInstanceOf(Task.class);
  }

  @Test
  void engineAccessors_saySomethingTrueInsideAndOutsideARun() {
    Doc doc = new Doc("d", 0);
    boolean[] inside = new boolean[3];
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(
            Flow.of(
                Task.<Doc>named(
                    "look",
                    (o, e) -> {
                      inside[0] = e.isRunning();
                      inside[1] = e.currentObject().orElseThrow() == o;
                      inside[2] = e.callbackPosAt(0) == 0;
                    })));
    engine.setWorkflowId("wf-7");

    engine.process(List.of(doc));

    assertThat(inside).containsExactly(true, true, true);
    assertThat(engine.isRunning()).isFalse();
    assertThat(engine.currentObject()).isPresent();
    assertThat(engine.definitions()).containsOnlyKeys("*");
    assertThat(engine.toString()).contains("wf-7");
    assertThatThrownBy(() -> engine.callbackPosAt(1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("level 1 is outside the position's 1 levels");
    assertThatThrownBy(() -> engine.callbackPosAt(-1))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(rec("a").toString()).isEqualTo("a");
  }
}
