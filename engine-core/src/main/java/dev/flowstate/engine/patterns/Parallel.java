package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Patterns.*;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** parallelSplit and synchronize: {@link Patterns} delegates here. */
final class Parallel {

  private static final Logger LOG = LoggerFactory.getLogger(Patterns.class);

  /**
   * The branches' threads when the definition names no executor: the library's own, daemon threads
   * that end after a minute without work, so the pool never needs shutting down and never keeps a
   * JVM alive. An executor given to the pattern stays its owner's to shut down.
   */
  static final Executor BRANCHES = Executors.newCachedThreadPool(new BranchThreads());

  private Parallel() {}

  @SafeVarargs
  static <T> Task<T> parallelSplit(Executor executor, Step<T>... branches) {
    if (executor == null) {
      throw new DefinitionError("parallelSplit needs an executor, got null");
    }
    if (branches == null || branches.length == 0) {
      throw new DefinitionError("parallelSplit needs at least one branch");
    }
    List<Flow<T>> flows = branchFlows(branches, branches.length, "parallelSplit");
    return Task.named(
        "parallelSplit",
        describe(flows),
        (obj, engine) -> {
          String parent = engine.workflowId();
          for (Flow<T> flow : flows) {
            executor.execute(
                () -> {
                  try {
                    new WorkflowEngine<>(flow).process(Collections.singletonList(obj));
                  } catch (RuntimeException e) {
                    LOG.error("workflow {}: parallelSplit branch {} failed", parent, flow, e);
                  }
                });
          }
        });
  }

  @SafeVarargs
  static <T> Flow<T> synchronize(Executor executor, Duration timeout, Step<T>... branchesThenLast) {
    if (executor == null) {
      throw new DefinitionError("synchronize needs an executor, got null");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new DefinitionError("synchronize needs a positive timeout, got " + timeout);
    }
    requireBranchesAndLast(branchesThenLast, "synchronize");
    int branches = branchesThenLast.length - 1;
    List<Flow<T>> flows = branchFlows(branchesThenLast, branches, "synchronize");
    Task<T> wait =
        Task.named(
            "synchronize",
            timeout + ", " + describe(flows),
            (obj, engine) -> runAndWait(executor, flows, timeout, obj, engine));
    return Flow.of(wait, branchesThenLast[branches]);
  }

  static <T> void runAndWait(
      Executor executor, List<Flow<T>> flows, Duration timeout, T obj, WorkflowEngine<T> engine)
      throws Exception {
    List<Future<?>> futures = new ArrayList<>(flows.size());
    for (Flow<T> flow : flows) {
      FutureTask<Void> branch =
          new FutureTask<>(
              () -> {
                new WorkflowEngine<>(flow).process(Collections.singletonList(obj));
                return null;
              });
      futures.add(branch);
      executor.execute(branch);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int late = 0;
    Throwable failure = null;
    try {
      for (Future<?> future : futures) {
        try {
          future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          late++;
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          }
        } catch (CancellationException e) {
          late++;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkflowError(
          "synchronize was interrupted while waiting for its branches",
          engine.workflowId(),
          engine.state().tokenPos(),
          null,
          e);
    } finally {
      for (Future<?> future : futures) {
        future.cancel(true);
      }
    }
    if (failure instanceof RuntimeException unchecked) {
      throw unchecked;
    }
    if (failure instanceof Error fatal) {
      throw fatal;
    }
    if (failure != null) {
      throw (Exception) failure;
    }
    if (late > 0) {
      throw new WorkflowError(
          "synchronize: "
              + late
              + " of "
              + flows.size()
              + " branches did not finish within "
              + timeout,
          engine.workflowId(),
          engine.state().tokenPos(),
          null,
          null);
    }
  }

  @SuppressWarnings("unchecked")
  static <T> List<Flow<T>> branchFlows(Step<T>[] steps, int count, String pattern) {
    List<Flow<T>> flows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (steps[i] == null) {
        throw new DefinitionError(pattern + " branch " + i + " is null");
      }
      flows.add(steps[i] instanceof Flow<T> flow ? flow : Flow.of(steps[i]));
    }
    return flows;
  }

  static void requireBranchesAndLast(Step<?>[] steps, String pattern) {
    if (steps == null || steps.length < 2) {
      throw new DefinitionError(
          pattern + " needs at least one branch and the step that follows (two arguments)");
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] == null) {
        throw new DefinitionError(
            pattern + (i == steps.length - 1 ? " last step" : " branch " + i) + " is null");
      }
    }
  }

  private static final class BranchThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable runnable) {
      Thread thread = new Thread(runnable, "flowstate-branch-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
