package dev.flowstate.benchmarks;

import dev.flowstate.engine.Task;
import java.util.ArrayList;
import java.util.List;

/** The benchmarks' object, and the trivial tasks that change it. */
final class Counter {
  long value;
  int loop;
  int haltedIn = -1;

  static List<Counter> objects(int count) {
    List<Counter> objects = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      objects.add(new Counter());
    }
    return objects;
  }

  /**
   * {@code count} trivial tasks from four different lambda sites, so that the call site is
   * megamorphic in the engine and in the baseline alike, as it is for real definitions.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Task<Counter>[] tasks(int count) {
    Task<Counter>[] tasks = new Task[count];
    for (int i = 0; i < count; i++) {
      int k = i;
      switch (i % 4) {
        case 0 -> tasks[i] = (o, e) -> o.value += k;
        case 1 -> tasks[i] = (o, e) -> o.value ^= k;
        case 2 -> tasks[i] = (o, e) -> o.value = o.value * 31 + k;
        default -> tasks[i] = (o, e) -> o.value -= k >> 1;
      }
    }
    return tasks;
  }
}
