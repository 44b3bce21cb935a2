package dev.flowstate.benchmarks;

import static dev.flowstate.engine.patterns.Patterns.forEach;
import static dev.flowstate.engine.patterns.Patterns.ifElse;
import static dev.flowstate.engine.patterns.Patterns.whileLoop;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One operation = one run over 10,000 objects. {@code engine} runs the definition on a {@link
 * WorkflowEngine}; {@code baseline} is a plain Java loop calling the same lambdas over the same
 * objects, in the same JMH run.
 *
 * <ul>
 *   <li>flat: 100 trivial tasks in one block (1,000,000 task calls per operation)
 *   <li>nested: the same 100 tasks in three levels: 4 blocks of 5 blocks of 5 tasks
 *   <li>patterns: ifElse, a while loop of 10 iterations and a for loop over 10 items: 21 calls of
 *       user lambdas per object (1 branch, 10 while bodies, 10 for bodies)
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineBenchmark {

  static final int OBJECTS = 10_000;

  @Param({"flat", "nested", "patterns"})
  public String shape;

  private List<Counter> objects;
  private Task<Counter>[] tasks;
  private WorkflowEngine<Counter> engine;
  private List<Integer> items;

  @Setup
  public void setUp() {
    objects = Counter.objects(OBJECTS);
    items = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      items.add(i);
    }
    switch (shape) {
      case "flat" -> {
        tasks = Counter.tasks(100);
        engine = new WorkflowEngine<>(Flow.of(tasks));
      }
      case "nested" -> {
        tasks = Counter.tasks(100);
        engine = new WorkflowEngine<>(nested(tasks));
      }
      default -> {
        tasks = Counter.tasks(3);
        Task<Counter> a = tasks[0];
        Task<Counter> b = tasks[1];
        Task<Counter> c = tasks[2];
        engine =
            new WorkflowEngine<>(
                Flow.of(
                    ifElse((o, e) -> (o.value & 1) == 0, a, b),
                    Task.named("resetLoop", (o, e) -> o.loop = 0),
                    whileLoop((o, e) -> o.loop < 10, c, Task.named("count", (o, e) -> o.loop++)),
                    forEach(items, "item", a)));
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Flow<Counter> nested(Task<Counter>[] tasks) {
    Step<Counter>[] outer = new Step[4];
    int t = 0;
    for (int i = 0; i < 4; i++) {
      Step<Counter>[] middle = new Step[5];
      for (int j = 0; j < 5; j++) {
        Step<Counter>[] inner = new Step[5];
        for (int k = 0; k < 5; k++) {
          inner[k] = tasks[t++];
        }
        middle[j] = Flow.of(inner);
      }
      outer[i] = Flow.of(middle);
    }
    return Flow.of(outer);
  }

  @Benchmark
  public long engine() {
    engine.process(objects);
    return objects.get(OBJECTS - 1).value;
  }

  @Benchmark
  public long baseline() throws Exception {
    List<Counter> objects = this.objects;
    Task<Counter>[] tasks = this.tasks;
    if (!shape.equals("patterns")) {
      for (int i = 0, n = objects.size(); i < n; i++) {
        Counter obj = objects.get(i);
        for (Task<Counter> task : tasks) {
          task.run(obj, null);
        }
      }
    } else {
      for (int i = 0, n = objects.size(); i < n; i++) {
        Counter obj = objects.get(i);
        if ((obj.value & 1) == 0) {
          tasks[0].run(obj, null);
        } else {
          tasks[1].run(obj, null);
        }
        obj.loop = 0;
        while (obj.loop < 10) {
          tasks[2].run(obj, null);
          obj.loop++;
        }
        for (Integer item : items) {
          tasks[0].run(obj, null);
        }
      }
    }
    return objects.get(OBJECTS - 1).value;
  }
}
