package dev.flowstate.db.internal;

/**
 * How a workflow's last run ended, stored in {@code fs_workflow.ended_by} so that {@code resume()}
 * knows how to continue (SEMANTICS §8). Null while the workflow is new, running or completed.
 */
public enum EndedBy {
  /** A task halted: resume right after it. */
  HALT,
  /**
   * A task halted asking to be retried after a delay ({@code retryAfter}): resume at that task,
   * which runs again; {@code resume_at} says when it is due.
   */
  RETRY,
  /** A task stopped the run: resume with the next object. */
  STOP,
  /** A task aborted its object, whose run was undone: resume it from its first task. */
  ABORT,
  /** A task failed (its object is {@code ERROR} at that task): resume at the failed task. */
  ERROR,
  /**
   * A save failed: the row keeps the positions of its last commit, and resuming replays from there,
   * as after a crash.
   */
  SAVE_ERROR
}
