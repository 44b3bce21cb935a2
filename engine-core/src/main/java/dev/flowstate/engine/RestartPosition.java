package dev.flowstate.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where {@link WorkflowEngine#restart(RestartPosition, RestartPosition)} begins, relative to the
 * current object or task.
 */
public enum RestartPosition {
  /** The object (task) before the current one. */
  PREV,
  /** The current object (task) again. */
  CURRENT,
  /** The object (task) after the current one. */
  NEXT,
  /** The first object (task). */
  FIRST;

  /**
   * Parses a position the way the reference spells it ({@code "prev"}, {@code "current"}, {@code
   * "next"}, {@code "first"}), ignoring case.
   *
   * @param name the name
   * @return the position
   * @throws WorkflowError naming the bad value and the valid ones
   */
  public static RestartPosition parse(String name) {
    if (name != null) {
      for (RestartPosition position : values()) {
        if (position.name().equalsIgnoreCase(name.trim())) {
          return position;
        }
      }
    }
    throw new WorkflowError(
        "unknown restart position '"
            + name
            + "'; use one of "
            + Arrays.toString(values()).toLowerCase(Locale.ROOT));
  }
}
