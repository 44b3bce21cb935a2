package dev.flowstate.engine.patterns;

import dev.flowstate.engine.WorkflowEngine;
import java.util.Arrays;

/**
 * The extra-data key of a task position, e.g. {@code _for[1, 0]}, remembered for the position it
 * was last computed for: a loop step asks for it at every iteration, and building the string each
 * time would cost more than the rest of the step. One definition may serve engines on several
 * threads, so the remembered pair is immutable and replaced whole.
 */
final class PositionKey {

  private final String prefix;
  private final int lastDelta;
  private volatile Cached cached;

  /**
   * @param prefix the key's prefix
   * @param lastDelta added to the last index of the engine's position (a loop's last task names the
   *     key of the loop's first task)
   */
  PositionKey(String prefix, int lastDelta) {
    this.prefix = prefix;
    this.lastDelta = lastDelta;
  }

  String of(WorkflowEngine<?> engine) {
    int length = engine.callbackPosLength();
    Cached last = cached;
    if (last != null && last.path.length == length && matches(last.path, engine)) {
      return last.key;
    }
    int[] path = new int[length];
    for (int i = 0; i < length; i++) {
      path[i] = engine.callbackPosAt(i);
    }
    path[length - 1] += lastDelta;
    Cached fresh = new Cached(path, prefix + Arrays.toString(path));
    cached = fresh;
    return fresh.key;
  }

  private boolean matches(int[] path, WorkflowEngine<?> engine) {
    int last = path.length - 1;
    for (int i = 0; i < last; i++) {
      if (path[i] != engine.callbackPosAt(i)) {
        return false;
      }
    }
    return path[last] == engine.callbackPosAt(last) + lastDelta;
  }

  private record Cached(int[] path, String key) {}
}
