package dev.flowstate.db;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One run of one object, from the history ({@link Flowstate#history}): written in the commit that
 * saved how the run ended.
 *
 * @param position the object's position
 * @param startedAt when its run began
 * @param endedAt when it ended
 * @param outcome how it ended: COMPLETED, HALTED, ERROR, SKIPPED, STOPPED, ABORTED, CONTINUED or
 *     JUMPED
 * @param callbackPos the task position of a halt or error, or null
 * @param message the error text, or null
 */
public record ObjectRun(
    int position,
    Instant startedAt,
    Instant endedAt,
    String outcome,
    List<Integer> callbackPos,
    String message) {

  /**
   * @return how long the run took, or null if it has no end
   */
  public Duration duration() {
    return endedAt == null ? null : Duration.between(startedAt, endedAt);
  }
}
