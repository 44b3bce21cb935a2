package dev.flowstate.benchmarks;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One operation = 10,000 objects, each halting once at its 6th of 10 tasks and restarted with
 * {@code restart(NEXT, FIRST)}: 10,000 halts and restarts. {@code baseline} is a plain Java loop
 * calling the same lambdas, where the halting lambda throws a preallocated exception that the loop
 * catches before going on with the next object.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HaltRestartBenchmark {

  static final int OBJECTS = 10_000;

  private static final RuntimeException BASELINE_HALT =
      new RuntimeException("halt", null, false, false) {};

  private List<Counter> objects;
  private Task<Counter>[] engineTasks;
  private Task<Counter>[] baselineTasks;
  private WorkflowEngine<Counter> engine;
  private int round;

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Setup
  public void setUp() {
    objects = Counter.objects(OBJECTS);
    engineTasks = Counter.tasks(10);
    baselineTasks = Counter.tasks(10);
    // each object halts once per round, the first time it reaches task 5
    engineTasks[5] =
        (o, e) -> {
          if (o.haltedIn != round) {
            o.haltedIn = round;
            e.halt("halt");
          }
        };
    baselineTasks[5] =
        (o, e) -> {
          if (o.haltedIn != round) {
            o.haltedIn = round;
            throw BASELINE_HALT;
          }
        };
    engine = new WorkflowEngine<>(Flow.of(engineTasks));
  }

  @Benchmark
  public int engine() {
    round++;
    int halts = 0;
    try {
      engine.process(objects);
    } catch (HaltProcessing halt) {
      halts++;
      while (true) {
        try {
          engine.restart(RestartPosition.NEXT, RestartPosition.FIRST);
          break;
        } catch (HaltProcessing again) {
          halts++;
        }
      }
    }
    return halts;
  }

  @Benchmark
  public int baseline() throws Exception {
    round++;
    int halts = 0;
    List<Counter> objects = this.objects;
    Task<Counter>[] tasks = this.baselineTasks;
    for (int i = 0, n = objects.size(); i < n; i++) {
      Counter obj = objects.get(i);
      try {
        for (Task<Counter> task : tasks) {
          task.run(obj, null);
        }
      } catch (RuntimeException halt) {
        if (halt != BASELINE_HALT) {
          throw halt;
        }
        halts++;
      }
    }
    return halts;
  }
}
