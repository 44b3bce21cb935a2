package dev.flowstate.db;

import dev.flowstate.engine.FlowstateException;

/**
 * The store refused or failed: unknown workflow or definition, a changed definition, a workflow
 * saved by another engine, data that cannot be written or read, an unreachable database. Nothing
 * was changed in the database when this is thrown.
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
