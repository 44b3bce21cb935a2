package dev.flowstate.engine.patterns;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowError;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * timeout: Patterns delegates here. The task runs on the run's own thread (its transaction, its
 * thread-locals and MDC stay as they are); one daemon timer thread per JVM interrupts it when the
 * limit passes. The interrupt and the task's end are decided under one lock, so an interrupt never
 * lands after the task's end has been seen (it would leak into the save point that follows).
 */
final class Timeout {

  private static final Logger LOG = LoggerFactory.getLogger(Patterns.class);

  /** The longest wait, after the interrupt, before a task that ignores it is reported. */
  private static final long MAX_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private static ScheduledThreadPoolExecutor timer;

  private Timeout() {}

  private static synchronized ScheduledThreadPoolExecutor timer() {
    if (timer == null) {
      timer =
          new ScheduledThreadPoolExecutor(
              1,
              runnable -> {
                Thread thread = new Thread(runnable, "flowstate-timeout");
                thread.setDaemon(true);
                return thread;
              });
      timer.setRemoveOnCancelPolicy(true); // a task that ends in time leaves nothing queued
    }
    return timer;
  }

  /** One run of the task: whether it ended, and whether the timer interrupted it. */
  private static final class Watch {
    boolean ended;
    boolean interrupted;
  }

  static <T> Task<T> timeout(Duration limit, Task<T> task) {
    if (task == null) {
      throw new DefinitionError("timeout needs a task, got null");
    }
    if (limit == null || limit.isNegative() || limit.isZero()) {
      throw new DefinitionError("timeout needs a positive limit, got " + limit);
    }
    long limitNanos = limit.toNanos();
    long graceNanos = Math.min(limitNanos, MAX_GRACE_NANOS);
    return Task.named(
        "timeout(" + task.name() + ")",
        task.signature() + ", " + limit,
        (obj, engine) -> {
          Thread runner = Thread.currentThread();
          String workflow = engine.workflowId();
          int position = engine.state().tokenPos();
          Watch watch = new Watch();
          long started = System.nanoTime();
          ScheduledFuture<?> alarm =
              timer()
                  .schedule(
                      () -> {
                        synchronized (watch) {
                          if (watch.ended) {
                            return;
                          }
                          watch.interrupted = true;
                          runner.interrupt();
                        }
                        timer()
                            .schedule(
                                () -> reportIgnored(watch, runner, task, limit, workflow, position),
                                graceNanos,
                                TimeUnit.NANOSECONDS);
                      },
                      limitNanos,
                      TimeUnit.NANOSECONDS);
          Throwable failure = null;
          try {
            task.run(obj, engine);
          } catch (Throwable thrown) {
            failure = thrown;
          }
          boolean interrupted;
          synchronized (watch) {
            watch.ended = true;
            interrupted = watch.interrupted;
            if (interrupted) {
              Thread.interrupted(); // the timer's interrupt, not someone else's: it ends here
            }
          }
          alarm.cancel(false);
          if (interrupted) {
            Duration ran = Duration.ofNanos(System.nanoTime() - started);
            boolean ignored = !(failure instanceof InterruptedException);
            throw new WorkflowError(
                "task '"
                    + task.name()
                    + "' ran past its timeout of "
                    + limit
                    + " and was interrupted"
                    + (ignored
                        ? "; it did not stop at the interrupt and returned after "
                            + ran.withNanos(ran.getNano() / 1_000_000 * 1_000_000)
                        : ""),
                workflow,
                position,
                null,
                failure);
          }
          if (failure != null) {
            throw sneaky(failure);
          }
        });
  }

  private static void reportIgnored(
      Watch watch, Thread runner, Task<?> task, Duration limit, String workflow, int position) {
    synchronized (watch) {
      if (watch.ended) {
        return;
      }
    }
    Throwable where = new Throwable("where task '" + task.name() + "' is running now");
    where.setStackTrace(runner.getStackTrace());
    LOG.warn(
        "workflow {}: task {} on object {} ran past its timeout of {} and does not stop at the"
            + " interrupt; its workflow stays held until it returns",
        workflow,
        task.name(),
        position,
        limit,
        where);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
