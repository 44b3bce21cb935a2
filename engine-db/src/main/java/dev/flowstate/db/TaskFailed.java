package dev.flowstate.db;

import dev.flowstate.engine.WorkflowError;

/**
 * Carries the stored engine's {@link WorkflowError} for a task's unchecked exception through the
 * core engine's run loop, which goes on after a {@code WorkflowError} when {@code stopOnError} is
 * false but stops at anything else: the stored engine must make the core engine's decision (stop at
 * a plain exception), and still give the caller the error naming the workflow. {@link StoredEngine}
 * unwraps it at the end of the run. No stack trace: it is a carrier.
 */
final class TaskFailed extends RuntimeException {

  final WorkflowError error;

  TaskFailed(WorkflowError error) {
    super(error.getMessage(), error, false, false);
    this.error = error;
  }
}
