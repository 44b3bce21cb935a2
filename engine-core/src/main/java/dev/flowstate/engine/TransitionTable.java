package dev.flowstate.engine;

/**
 * Decides what the run loop does when a task ends an object early: one method per row of the
 * transition table. The defaults are the standard behaviour; a persistent engine overrides them to
 * save before deciding, and may throw a different exception (wrapping an error with the workflow
 * id, say).
 *
 * <p>Each method returns {@link Next#NEXT_OBJECT} (go on with the next object: the loop resets the
 * task position and, for a jump, moves the object position) or {@link Next#END_RUN} (end the run
 * normally: {@code afterProcessing} runs), or throws to leave the run. Listeners have already been
 * told of halts and errors when these methods run. {@code jumpCall} and {@code breakCurrentLoop}
 * are handled inside the block that runs the task and never reach the table.
 *
 * @param <T> the type of the objects the workflow runs on
 */
public interface TransitionTable<T> {

  /** What the run loop does after a transition. */
  enum Next {
    /** Go on with the next object, from its first task. */
    NEXT_OBJECT,
    /** End the run; {@code afterProcessing} runs, the remaining objects are not touched. */
    END_RUN
  }

  /**
   * The standard table.
   *
   * @param <T> the object type
   * @return a table with every default
   */
  @SuppressWarnings("unchecked")
  static <T> TransitionTable<T> standard() {
    return (TransitionTable<T>) StandardTable.INSTANCE;
  }

  /**
   * A task halted. Default: rethrow the halt to the caller; the state is kept for a restart.
   *
   * @param engine the engine
   * @param obj the object
   * @param halt the halt, with message, action and payload
   * @return what to do next, if the halt is not rethrown
   */
  default Next onHalt(WorkflowEngine<T> engine, T obj, HaltProcessing halt) {
    throw halt;
  }

  /**
   * A task stopped the run. Default: end the run.
   *
   * @param engine the engine
   * @param obj the object
   * @return what to do next
   */
  default Next onStop(WorkflowEngine<T> engine, T obj) {
    return Next.END_RUN;
  }

  /**
   * A task aborted the run. Default: end the run.
   *
   * @param engine the engine
   * @param obj the object
   * @return what to do next
   */
  default Next onAbort(WorkflowEngine<T> engine, T obj) {
    return Next.END_RUN;
  }

  /**
   * A task asked to go on with the next object. Default: do so.
   *
   * @param engine the engine
   * @param obj the object
   * @return what to do next
   */
  default Next onContinueNextToken(WorkflowEngine<T> engine, T obj) {
    return Next.NEXT_OBJECT;
  }

  /**
   * A task skipped its object. Default: go on with the next object.
   *
   * @param engine the engine
   * @param obj the object
   * @return what to do next
   */
  default Next onSkipToken(WorkflowEngine<T> engine, T obj) {
    return Next.NEXT_OBJECT;
  }

  /**
   * A task jumped to another object. Default: go there ({@code NEXT_OBJECT}; the loop moves {@code
   * tokenPos} by the offset, clamped to the list).
   *
   * @param engine the engine
   * @param obj the object
   * @param offset the distance requested
   * @return what to do next
   */
  default Next onJumpToken(WorkflowEngine<T> engine, T obj, int offset) {
    return Next.NEXT_OBJECT;
  }

  /**
   * A task (or a hook) threw. Default: rethrow an unchecked exception as itself and wrap a checked
   * one in a {@link WorkflowError} carrying the workflow id and object index.
   *
   * @param engine the engine
   * @param obj the object
   * @param error what was thrown
   * @return what to do next, if nothing is thrown
   */
  default Next onError(WorkflowEngine<T> engine, T obj, Throwable error) {
    if (error instanceof RuntimeException unchecked) {
      throw unchecked;
    }
    if (error instanceof Error fatal) {
      throw fatal;
    }
    throw new WorkflowError(
        "task '"
            + engine.currentTaskName()
            + "' failed on object "
            + engine.state().tokenPos()
            + ": "
            + error,
        engine.workflowId(),
        engine.state().tokenPos(),
        null,
        error);
  }
}
