package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Patterns.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the patterns' conditions answer at their edges (false as well as true, equal operands for
 * the orderings), the promised errors for missing conditions, and tryTask's backoff as waited.
 */
class ConditionsAndRetryTest {

  @AfterEach
  void realSleeper() {
    Retry.sleeper = java.util.concurrent.TimeUnit.NANOSECONDS::sleep;
  }

  @Test
  void eq_isFalseForDifferentValues_andComparesNumbersByValue() {
    for (String op : new String[] {"eq", "=="}) {
      assertThat(Conditions.compare(1, 2, op)).as(op).isFalse();
      assertThat(Conditions.compare(1, 1.5, op)).as(op).isFalse();
      assertThat(Conditions.compare("a", "b", op)).as(op).isFalse();
      assertThat(Conditions.compare(null, "b", op)).as(op).isFalse();
      assertThat(Conditions.compare("a", null, op)).as(op).isFalse();
      assertThat(Conditions.compare(1, "1", op)).as(op).isFalse();
      assertThat(Conditions.compare(1, 1.0, op)).as(op).isTrue();
      assertThat(Conditions.compare(2L, new java.math.BigDecimal("2.00"), op)).as(op).isTrue();
      assertThat(Conditions.compare("a", "a", op)).as(op).isTrue();
    }
  }

  @Test
  void in_isFalseWhenTheValueIsMissing_forEveryKindOfContainer() {
    assertThat(Conditions.compare(List.of("a", "b"), "c", "in")).isFalse();
    assertThat(Conditions.compare(List.of("a", "b"), "b", "in")).isTrue();
    assertThat(Conditions.compare(Map.of("k", 1), "v", "in")).isFalse();
    assertThat(Conditions.compare(Map.of("k", 1), 1, "in")).isFalse(); // keys, not values
    assertThat(Conditions.compare(Map.of("k", 1), "k", "in")).isTrue();
    assertThat(Conditions.compare("payment received", "refund", "in")).isFalse();
    assertThat(Conditions.compare("payment received", "received", "in")).isTrue();
    assertThat(Conditions.compare("payment", null, "in")).isFalse();
    assertThat(Conditions.compare(new int[] {1, 2}, 3, "in")).isFalse();
    assertThat(Conditions.compare(new int[] {1, 2}, 2, "in")).isTrue();
    assertThat(Conditions.compare(new String[] {}, "a", "in")).isFalse();
  }

  @Test
  void orderings_atEqualOperands_includeOnlyTheirOwnBoundary() {
    assertThat(Conditions.compare(2, 2, "gt")).isFalse();
    assertThat(Conditions.compare(2, 2, ">")).isFalse();
    assertThat(Conditions.compare(2, 2, "gte")).isTrue();
    assertThat(Conditions.compare(2, 2, ">=")).isTrue();
    assertThat(Conditions.compare(2, 2, "lt")).isFalse();
    assertThat(Conditions.compare(2, 2, "<")).isFalse();
    assertThat(Conditions.compare(2, 2, "lte")).isTrue();
    assertThat(Conditions.compare(2, 2, "<=")).isTrue();
    assertThat(Conditions.compare(3, 2.5, "gt")).isTrue();
    assertThat(Conditions.compare(2, 2.5, "gte")).isFalse();
    assertThat(Conditions.compare(3, 2.5, "lte")).isFalse();
    assertThat(Conditions.compare("b", "a", ">")).isTrue();
    assertThat(Conditions.compare("a", "b", ">")).isFalse();
    assertThatThrownBy(() -> Conditions.compare(List.of(1), 2, ">"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cmp '>' cannot order [1] and 2: they are not comparable");
    assertThatThrownBy(() -> Conditions.compare("a", null, "<"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cmp '<' cannot order a and null: they are not comparable");
  }

  @Test
  void nullBranch_isADefinitionErrorNamingThePatternAndTheBranch() {
    Task<Doc> task = Task.named("t", (o, e) -> {});
    Map<String, Supplier<Object>> patterns =
        Map.of(
            "ifThen branch", () -> ifThen((o, e) -> true, null),
            "ifNot branch", () -> ifNot((o, e) -> true, null),
            "ifElse then-branch", () -> ifElse((o, e) -> true, null, task),
            "ifElse else-branch", () -> ifElse((o, e) -> true, task, null));
    patterns.forEach(
        (what, build) ->
            assertThatThrownBy(build::get)
                .as(what)
                .isInstanceOf(DefinitionError.class)
                .hasMessageStartingWith(what + " is null; pass a task or a flow"));
  }

  @Test
  void nullCondition_isADefinitionErrorNamingThePattern() {
    Task<Doc> task = Task.named("t", (o, e) -> {});
    Map<String, Supplier<Object>> patterns =
        Map.of(
            "ifThen", () -> ifThen(null, task),
            "ifNot", () -> ifNot(null, task),
            "ifElse", () -> ifElse(null, task, task),
            "whileLoop", () -> whileLoop(null, task),
            "taskJumpIf", () -> taskJumpIf(null, 1));
    patterns.forEach(
        (name, build) ->
            assertThatThrownBy(build::get)
                .as(name)
                .isInstanceOf(DefinitionError.class)
                .hasMessage(name + " needs a condition, got null"));
  }

  private static Task<Doc> alwaysFailing() {
    return Task.named(
        "failing",
        (o, e) -> {
          throw new IllegalStateException("no");
        });
  }

  @Test
  void tryTask_waitsTheBackoff_doublingBetweenAttempts() {
    List<Long> waits = new ArrayList<>();
    Retry.sleeper = waits::add;
    int[] calls = {0};
    Task<Doc> flaky =
        Task.named(
            "flaky",
            (o, e) -> {
              if (++calls[0] < 4) {
                throw new IllegalStateException("try " + calls[0]);
              }
            });
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(Flow.of(tryTask(flaky, 5, Duration.ofMillis(10), null)));

    engine.process(List.of(new Doc("d", 0)));

    assertThat(calls[0]).isEqualTo(4);
    assertThat(waits).containsExactly(10_000_000L, 20_000_000L, 40_000_000L);
  }

  @Test
  void tryTask_withoutBackoff_neverWaits_andRethrowsTheLastFailure() {
    List<Long> waits = new ArrayList<>();
    Retry.sleeper = waits::add;
    int[] calls = {0};
    Task<Doc> failing =
        Task.named(
            "failing",
            (o, e) -> {
              throw new IllegalStateException("attempt " + ++calls[0]);
            });
    WorkflowEngine<Doc> engine = new WorkflowEngine<>(Flow.of(tryTask(failing, 2)));

    assertThatThrownBy(() -> engine.process(List.of(new Doc("d", 0))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("attempt 3");
    assertThat(waits).isEmpty();
  }

  @Test
  void tryTask_doesNotWaitAfterTheLastAttempt() {
    List<Long> waits = new ArrayList<>();
    Retry.sleeper = waits::add;
    Task<Doc> failing = alwaysFailing();
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(Flow.of(tryTask(failing, 1, Duration.ofSeconds(1), null)));

    assertThatThrownBy(() -> engine.process(List.of(new Doc("d", 0))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(waits).containsExactly(1_000_000_000L);
  }

  @Test
  void tryTask_backoff_isCappedAtAnHour() {
    List<Long> waits = new ArrayList<>();
    Retry.sleeper = waits::add;
    Task<Doc> failing = alwaysFailing();
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(Flow.of(tryTask(failing, 3, Duration.ofMinutes(40), null)));

    assertThatThrownBy(() -> engine.process(List.of(new Doc("d", 0))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(waits)
        .containsExactly(
            Duration.ofMinutes(40).toNanos(),
            Duration.ofHours(1).toNanos(),
            Duration.ofHours(1).toNanos());
  }

  @Test
  void onePatternInstance_atTwoPositions_keepsItsLoopStateApartForEach() {
    Flow<Doc> each =
        forEach(
            List.of(1, 2),
            "i",
            Task.<Doc>named("note", (o, e) -> o.seen.add("i" + e.extraData().get("i"))));
    Flow<Doc> twice = Flow.of(each, Task.<Doc>named("mid", (o, e) -> o.seen.add("mid")), each);
    Doc doc = new Doc("d", 0);

    new WorkflowEngine<>(twice).process(List.of(doc));

    assertThat(doc.seen).containsExactly("i1", "i2", "mid", "i1", "i2");
  }

  @Test
  void positionKey_isComputedAgainWhenTheSameInstanceRunsAtAnotherPosition() {
    PositionKey key = new PositionKey("_k", 0);
    List<String> keys = new ArrayList<>();
    Task<Doc> probe = Task.named("probe", (o, e) -> keys.add(key.of(e)));
    Flow<Doc> flow = Flow.of(probe, Flow.of(probe, probe), probe, Flow.of(probe));

    new WorkflowEngine<>(flow).process(List.of(new Doc("d", 0)));

    // same depth, other enclosing index ([1, 0] then [3, 0] is not a cache hit)
    keys.clear();
    new WorkflowEngine<>(Flow.of(Flow.of(probe), Flow.of(probe))).process(List.of(new Doc("e", 0)));
    assertThat(keys).containsExactly("_k[0, 0]", "_k[1, 0]");
    keys.clear();
    new WorkflowEngine<>(flow).process(List.of(new Doc("d", 0)));
    assertThat(keys).containsExactly("_k[0]", "_k[1, 0]", "_k[1, 1]", "_k[2]", "_k[3, 0]");
    PositionKey last = new PositionKey("_k", -1);
    List<String> lastKeys = new ArrayList<>();
    Task<Doc> lastProbe = Task.named("probe", (o, e) -> lastKeys.add(last.of(e)));
    new WorkflowEngine<>(Flow.of(lastProbe, lastProbe, Flow.of(lastProbe, lastProbe)))
        .process(List.of(new Doc("d", 0)));
    assertThat(lastKeys).containsExactly("_k[-1]", "_k[0]", "_k[2, -1]", "_k[2, 0]");
  }
}
