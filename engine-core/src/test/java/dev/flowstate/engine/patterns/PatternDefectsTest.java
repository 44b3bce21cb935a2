package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Doc.rec;
import static dev.flowstate.engine.patterns.Patterns.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The reference's pattern defects listed in SEMANTICS §6, one test each. */
class PatternDefectsTest {

  /**
   * The reference's FOR fails at every loop end: it reads "previous_data", which only exists when
   * the loop was entered twice, so the last step raises a missing-key error. Ours ends the loop,
   * leaves the last item under the key and removes its state.
   */
  @Test
  void forLoopEnd_doesNotFail() {
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(Flow.of(forEach(List.of(1, 2), "i", rec("body")), rec("after")));

    engine.process(List.of(doc));

    assertThat(doc.log()).isEqualTo("body,body,after");
    assertThat(engine.extraData()).containsOnlyKeys("i").containsEntry("i", 2);
  }

  /**
   * The reference's FOR with a callable calls get_list() from inside get_list() when the list is
   * not cached: infinite recursion. Ours calls the supplier exactly once per loop start.
   */
  @Test
  void forLoopSupplier_isCalledOnce_notRecursively() {
    AtomicInteger calls = new AtomicInteger();
    Doc doc = new Doc("d");

    new WorkflowEngine<>(
            Flow.of(
                forEach(
                    (Doc o, WorkflowEngine<Doc> e) -> {
                      calls.incrementAndGet();
                      return List.of("a", "b", "c");
                    },
                    "i",
                    rec("body"))))
        .process(List.of(doc));

    assertThat(calls.get()).isEqualTo(1);
    assertThat(doc.log()).isEqualTo("body,body,body");
  }

  /**
   * The reference's OBJ_JUMP_FWD calls jumpTokenForward, which raises an exception the engine has
   * no handler for, and OBJ_JUMP_BWD calls a method that does not exist. Ours jump.
   */
  @Test
  void objJumpFwdAndBwd_jump() {
    Doc a = new Doc("a");
    Doc b = new Doc("b");
    Doc c = new Doc("c");
    AtomicInteger back = new AtomicInteger();
    AtomicInteger forward = new AtomicInteger();

    new WorkflowEngine<>(
            Flow.of(
                rec("x"),
                ifThen(
                    (o, e) -> o.name.equals("a") && forward.getAndIncrement() == 0, objJumpFwd(2)),
                ifThen((o, e) -> o.name.equals("c") && back.getAndIncrement() == 0, objJumpBwd(2)),
                rec("y")))
        .process(List.of(a, b, c));

    // a jumps over b to c; c jumps back to a; then a, b, c run through
    assertThat(a.log()).isEqualTo("x,x,y");
    assertThat(b.log()).isEqualTo("x,y");
    assertThat(c.log()).isEqualTo("x,x,y");
  }

  /**
   * The reference's SYNCHRONIZE binds every queued lambda to the loop's last branch (late binding),
   * waits until the timeout because its worker threads never mark the queue done, and never runs
   * the last task. Ours runs each branch once, returns when all are done, and runs last.
   */
  @Test
  void synchronize_runsEachOwnBranch_returnsWhenDone_andRunsLast() {
    Doc doc = new Doc("d");
    long start = System.nanoTime();

    new WorkflowEngine<>(
            Flow.of(
                synchronize(Duration.ofSeconds(30), rec("b1"), rec("b2"), rec("b3"), rec("last"))))
        .process(List.of(doc));

    assertThat(doc.seen.subList(0, 3)).containsExactlyInAnyOrder("b1", "b2", "b3");
    assertThat(doc.seen.get(3)).isEqualTo("last");
    // returned long before the 30 s timeout (generous bound: this checks the wait ended, not speed)
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  /**
   * The reference's TRY default on_failure swallows the failure: a task that fails every attempt
   * passes as a success. Ours rethrows the last failure unless an onFailure is given.
   */
  @Test
  void tryTask_byDefault_doesNotSwallowTheFailure() {
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(
            Flow.of(
                tryTask(
                    Task.named(
                        "bad",
                        (o, e) -> {
                          throw new IllegalStateException("still broken");
                        }),
                    2),
                rec("after")));
    Doc doc = new Doc("d");

    assertThatThrownBy(() -> engine.process(List.of(doc))).hasMessage("still broken");
    assertThat(doc.log()).isEmpty();
  }
}
