package dev.flowstate.migrations;

import dev.flowstate.engine.FlowstateException;

/** The flowstate schema could not be migrated; the message says why and what to check. */
public class MigrationException extends FlowstateException {

  /**
   * @param message what went wrong and what to check
   * @param cause the underlying failure
   */
  public MigrationException(String message, Throwable cause) {
    super(message, cause);
  }
}
