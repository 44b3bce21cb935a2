package dev.flowstate.engine;

import java.util.List;

/**
 * The engine's position as plain data: which object ({@code tokenPos}) and which task ({@code
 * callbackPos}, one index per nesting level) the engine is on.
 *
 * <p>It is what a persistent engine stores in a row and gives back to a fresh engine in another
 * process ({@link WorkflowEngine#setState(EngineState)}). Immutable and thread-safe.
 *
 * @param tokenPos index of the current object; {@code -1} before the first object
 * @param callbackPos path to the current task, e.g. {@code [2, 0, 1]}: the third element of the
 *     definition, its first element, that element's second element
 */
public record EngineState(int tokenPos, List<Integer> callbackPos) {

  /** The state of an engine that has not run: before the first object, at the first task. */
  public static final EngineState INITIAL = new EngineState(-1, List.of(0));

  /**
   * Checks and copies the state.
   *
   * @throws IllegalArgumentException if {@code tokenPos < -1}, or {@code callbackPos} is null,
   *     empty, or holds a null or negative index
   */
  public EngineState {
    if (tokenPos < -1) {
      throw new IllegalArgumentException(
          "tokenPos must be -1 (before the first object) or an object index, got " + tokenPos);
    }
    if (callbackPos == null || callbackPos.isEmpty()) {
      throw new IllegalArgumentException(
          "callbackPos must hold at least one index (the first task is [0]), got " + callbackPos);
    }
    for (Integer index : callbackPos) {
      if (index == null || index < 0) {
        throw new IllegalArgumentException(
            "callbackPos holds only indices >= 0, got " + callbackPos);
      }
    }
    callbackPos = List.copyOf(callbackPos);
  }

  /**
   * Convenience factory.
   *
   * @param tokenPos index of the current object, {@code -1} or more
   * @param callbackPos the path to the current task
   * @return the state
   */
  public static EngineState of(int tokenPos, Integer... callbackPos) {
    return new EngineState(tokenPos, List.of(callbackPos));
  }
}
