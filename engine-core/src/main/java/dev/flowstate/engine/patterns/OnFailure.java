package dev.flowstate.engine.patterns;

import dev.flowstate.engine.WorkflowEngine;

/**
 * What {@link Patterns#tryTask} does when every attempt failed.
 *
 * @param <T> the object type
 */
@FunctionalInterface
public interface OnFailure<T> {

  /**
   * @param obj the current object
   * @param engine the engine
   * @param lastFailure the exception of the last attempt
   * @throws Exception to fail the task after all
   */
  void handle(T obj, WorkflowEngine<T> engine, Exception lastFailure) throws Exception;
}
