package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Patterns.*;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.Transition;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** tryTask: {@link Patterns} delegates here. */
final class Retry {

  private static final Logger LOG = LoggerFactory.getLogger(Patterns.class);

  /** How tryTask waits between attempts; tests put a recorder here to see the backoff. */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  static volatile Sleeper sleeper = TimeUnit.NANOSECONDS::sleep;

  private Retry() {}

  static <T> Task<T> tryTask(Task<T> task, int retries) {
    return tryTask(task, retries, Duration.ZERO, null);
  }

  static <T> Task<T> tryTask(Task<T> task, int retries, Duration backoff, OnFailure<T> onFailure) {
    if (task == null) {
      throw new DefinitionError("tryTask needs a task, got null");
    }
    if (retries < 0) {
      throw new DefinitionError("tryTask needs 0 or more retries, got " + retries);
    }
    if (backoff == null || backoff.isNegative()) {
      throw new DefinitionError("tryTask needs a backoff of zero or more, got " + backoff);
    }
    return Task.named(
        "tryTask(" + task.name() + ")",
        task.signature()
            + ", "
            + retries
            + ", "
            + backoff
            + (onFailure == null ? "" : ", " + describe(onFailure)),
        (obj, engine) -> {
          Exception last = null;
          long waitNanos = backoff.toNanos();
          for (int attempt = 0; attempt <= retries; attempt++) {
            try {
              task.run(obj, engine);
              return;
            } catch (Transition transition) {
              throw transition;
            } catch (InterruptedException e) {
              // someone wants this thread to stop (a shutdown): never retry, never swallow it
              Thread.currentThread().interrupt();
              throw interrupted(task, attempt, retries, engine, e);
            } catch (Exception e) {
              last = e;
              LOG.debug(
                  "workflow {}: task {} failed (attempt {} of {})",
                  engine.workflowId(),
                  task.name(),
                  attempt + 1,
                  retries + 1,
                  e);
            }
            if (attempt < retries && waitNanos > 0) {
              try {
                sleeper.sleep(waitNanos);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                WorkflowError error = interrupted(task, attempt, retries, engine, e);
                error.addSuppressed(last);
                throw error;
              }
              waitNanos = Math.min(waitNanos * 2, TimeUnit.HOURS.toNanos(1));
            }
          }
          if (onFailure != null) {
            onFailure.handle(obj, engine, last);
          } else {
            throw last;
          }
        });
  }

  /**
   * An interrupt met by tryTask, as a failure that keeps it as its cause; the flag is set again.
   */
  static <T> WorkflowError interrupted(
      Task<T> task, int attempt, int retries, WorkflowEngine<T> engine, InterruptedException e) {
    return new WorkflowError(
        "tryTask("
            + task.name()
            + ") was interrupted at attempt "
            + (attempt + 1)
            + " of "
            + (retries + 1)
            + " and does not retry; the thread's interrupt flag is set again",
        engine.workflowId(),
        engine.state().tokenPos(),
        null,
        e);
  }
}
