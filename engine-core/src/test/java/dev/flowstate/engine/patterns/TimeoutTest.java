package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Patterns.timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * timeout: a task past its limit is interrupted and its object fails naming the task and the limit;
 * one that ignores the interrupt fails when it returns; one in time runs as if unwrapped, and no
 * interrupt leaks into what runs after it.
 */
class TimeoutTest {

  private final List<String> seen = new ArrayList<>();

  @Test
  void taskPastItsLimit_isInterrupted_andItsObjectFailsNamingTaskAndLimit() {
    CountDownLatch never = new CountDownLatch(1);
    WorkflowEngine<String> engine =
        new WorkflowEngine<>(
            Flow.of(
                timeout(
                    Duration.ofMillis(100),
                    Task.named(
                        "wait",
                        (o, e) -> {
                          seen.add("waits on " + o);
                          never.await(); // for ever, but for the interrupt
                        })),
                Task.named("after", (o, e) -> seen.add("after " + o))));

    assertThatThrownBy(() -> engine.process(List.of("A", "B")))
        .isInstanceOfSatisfying(
            WorkflowError.class,
            e -> {
              assertThat(e.objectIndex()).isZero();
              assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
            })
        .hasMessage("task 'wait' ran past its timeout of PT0.1S and was interrupted");

    assertThat(seen).containsExactly("waits on A");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(engine.currentTaskName()).isEqualTo("timeout(wait)");
  }

  @Test
  void taskThatIgnoresTheInterrupt_failsWhenItReturns_sayingSo() {
    WorkflowEngine<String> engine =
        new WorkflowEngine<>(
            Flow.of(
                timeout(
                    Duration.ofMillis(50),
                    Task.named(
                        "stubborn",
                        (o, e) -> {
                          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                          boolean sawInterrupt = false;
                          while (System.nanoTime() < until) {
                            sawInterrupt |= Thread.currentThread().isInterrupted();
                          }
                          seen.add("interrupt seen: " + sawInterrupt);
                        }))));

    assertThatThrownBy(() -> engine.process(List.of("A")))
        .isInstanceOf(WorkflowError.class)
        .hasNoCause()
        .hasMessageStartingWith(
            "task 'stubborn' ran past its timeout of PT0.05S and was interrupted; it did not"
                + " stop at the interrupt and returned after PT0.");

    assertThat(seen).containsExactly("interrupt seen: true");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void taskInTime_runsAsIfUnwrapped_itsFailureAsItself_andNoInterruptLeaks() throws Exception {
    IllegalStateException bad = new IllegalStateException("bad B");
    WorkflowEngine<String> engine =
        new WorkflowEngine<>(
            Flow.of(
                timeout(
                    Duration.ofMillis(200),
                    Task.named(
                        "quick",
                        (o, e) -> {
                          seen.add(o);
                          if (o.equals("B")) {
                            throw bad;
                          }
                        })),
                Task.named(
                    "after",
                    (o, e) -> {
                      Thread.sleep(400); // past the limit: an alarm left behind would land here
                      seen.add("slept after " + o);
                    })));

    engine.process(List.of("A"));
    assertThatThrownBy(() -> engine.process(List.of("B"))).isSameAs(bad);

    assertThat(seen).containsExactly("A", "slept after A", "B");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void halt_passesThroughInTime() {
    WorkflowEngine<String> engine =
        new WorkflowEngine<>(
            Flow.of(timeout(Duration.ofSeconds(5), Task.named("h", (o, e) -> e.halt("stop")))));

    assertThatThrownBy(() -> engine.process(List.of("A")))
        .isInstanceOf(dev.flowstate.engine.HaltProcessing.class)
        .hasMessage("stop");
  }

  @Test
  void badArguments_areDefinitionErrors_andTheLimitIsPartOfTheSignature() {
    Task<String> t = Task.named("t", (o, e) -> {});
    assertThatThrownBy(() -> timeout(Duration.ZERO, t))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("timeout needs a positive limit, got PT0S");
    assertThatThrownBy(() -> timeout(null, t))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("timeout needs a positive limit, got null");
    assertThatThrownBy(() -> timeout(Duration.ofSeconds(1), null))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("timeout needs a task, got null");
    assertThat(timeout(Duration.ofSeconds(5), t).signature()).isEqualTo("timeout(t)(t, PT5S)");
    assertThat(timeout(Duration.ofSeconds(5), t).signature())
        .isNotEqualTo(timeout(Duration.ofSeconds(6), t).signature());
  }
}
