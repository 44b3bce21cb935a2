package dev.flowstate.engine.patterns;

import dev.flowstate.engine.WorkflowEngine;

/**
 * A test on the current object and engine, for {@link Patterns#ifThen}, {@link Patterns#whileLoop}
 * and the like.
 *
 * @param <T> the object type
 */
@FunctionalInterface
public interface Condition<T> {

  /**
   * @param obj the current object
   * @param engine the engine
   * @return the outcome
   * @throws Exception anything; it fails the task that asked
   */
  boolean test(T obj, WorkflowEngine<T> engine) throws Exception;
}
