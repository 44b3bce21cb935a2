package dev.flowstate.db;

import dev.flowstate.engine.FlowstateException;

/**
 * The store refused or failed: unknown workflow or definition, a changed definition, a workflow
 * saved by another engine, a row that cannot be read, data over the size limit, an unreachable
 * database. Refusals change nothing in the database. A failure during a run is different: the run
 * takes the error path (the caller gets a {@link dev.flowstate.engine.WorkflowError} and the rows
 * read {@code ERROR}), and a {@code StoreException} reaches the caller only when even the error
 * could not be written; its message then says that the rows may still read {@code RUNNING}, and
 * {@link DbWorkflowEngine#resume()} continues once the database is back.
 */
public class StoreException extends FlowstateException {

  /**
   * @param message what went wrong and how to fix it
   */
  public StoreException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and how to fix it
   * @param cause the underlying failure
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
