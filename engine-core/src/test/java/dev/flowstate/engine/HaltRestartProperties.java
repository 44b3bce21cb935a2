package dev.flowstate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.engine.patterns.Patterns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random nested definitions (plain blocks, while loops and for loops, up to four levels deep),
 * halted at random tasks and restarted with (current, next) until done, end with exactly the
 * objects of a run that never halted.
 */
class HaltRestartProperties {

  /** An object whose log is every task that ran on it, and counters for its while loops. */
  static final class Obj {
    final int index;
    final List<Integer> log = new ArrayList<>();
    final Map<Integer, Integer> counters = new HashMap<>();

    Obj(int index) {
      this.index = index;
    }
  }

  /** Builds one definition from a seed; the halt set decides where tasks halt (once each). */
  static final class Builder {
    private final Random random;
    private final Set<String> haltAt;
    private final Set<String> halted = new HashSet<>();
    int tasks;

    Builder(long seed, Set<String> haltAt) {
      this.random = new Random(seed);
      this.haltAt = haltAt;
    }

    Flow<Obj> block(int depth) {
      int size = 1 + random.nextInt(4);
      List<Step<Obj>> steps = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int kind = depth >= 4 ? 0 : random.nextInt(6);
        switch (kind) {
          case 3 -> steps.add(block(depth + 1));
          case 4 -> {
            int loop = tasks++;
            int times = random.nextInt(3);
            List<Step<Obj>> body = new ArrayList<>(block(depth + 1).steps());
            body.add(Task.named("count" + loop, (o, e) -> o.counters.merge(loop, 1, Integer::sum)));
            steps.add(
                Patterns.whileLoop(
                    (o, e) -> o.counters.getOrDefault(loop, 0) < times, toArray(body)));
            // reset the counter after the loop so a later object of the same run starts afresh
            steps.add(Task.named("reset" + loop, (o, e) -> o.counters.remove(loop)));
          }
          case 5 -> {
            List<Integer> items = new ArrayList<>();
            for (int k = random.nextInt(3); k > 0; k--) {
              items.add(random.nextInt(100));
            }
            int loop = tasks++;
            steps.add(
                Patterns.forEach(
                    items,
                    "item" + loop,
                    block(depth + 1),
                    Task.named(
                        "useItem" + loop,
                        (o, e) -> o.log.add(1000 + (Integer) e.extraData().get("item" + loop)))));
          }
          default -> steps.add(task(tasks++));
        }
      }
      return Flow.of(toArray(steps));
    }

    private Task<Obj> task(int id) {
      return Task.named(
          "t" + id,
          (o, e) -> {
            o.log.add(id);
            String point = o.index + ":" + id;
            if (haltAt.contains(point) && halted.add(point)) {
              e.halt("halt at " + point);
            }
          });
    }

    @SuppressWarnings("unchecked")
    private static Step<Obj>[] toArray(List<Step<Obj>> steps) {
      return steps.toArray(new Step[0]);
    }
  }

  private static List<Obj> objects(int count) {
    List<Obj> objects = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      objects.add(new Obj(i));
    }
    return objects;
  }

  @Property(tries = 300)
  void haltedAndRestartedRun_endsLikeAnUnhaltedRun(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 5) int objectCount,
      @ForAll @IntRange(min = 1, max = 6) int haltCount,
      @ForAll long haltSeed) {
    Builder plain = new Builder(seed, Set.of());
    Flow<Obj> plainFlow = plain.block(0);
    List<Obj> expected = objects(objectCount);
    new WorkflowEngine<>(plainFlow).process(expected);

    Random pick = new Random(haltSeed);
    Set<String> haltAt = new HashSet<>();
    for (int i = 0; i < haltCount; i++) {
      haltAt.add(pick.nextInt(objectCount) + ":" + pick.nextInt(plain.tasks));
    }
    WorkflowEngine<Obj> engine = new WorkflowEngine<>(new Builder(seed, haltAt).block(0));
    List<Obj> actual = objects(objectCount);
    int halts = 0;
    try {
      engine.process(actual);
    } catch (HaltProcessing halt) {
      halts++;
      while (true) {
        try {
          engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);
          break;
        } catch (HaltProcessing again) {
          halts++;
        }
      }
    }

    for (int i = 0; i < objectCount; i++) {
      assertThat(actual.get(i).log).as("object %d", i).isEqualTo(expected.get(i).log);
    }
    assertThat(halts).isLessThanOrEqualTo(haltAt.size());
    assertThat(engine.hasCompleted()).isTrue();
    assertThat(engine.state()).isEqualTo(EngineState.of(objectCount - 1, 0));
  }
}
