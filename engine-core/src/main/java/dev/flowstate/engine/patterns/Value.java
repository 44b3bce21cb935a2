package dev.flowstate.engine.patterns;

import dev.flowstate.engine.WorkflowEngine;

/**
 * Computes a value from the current object and engine, for {@link Patterns#cmp}, {@link
 * Patterns#choice}, {@link Patterns#forEach} and {@link Patterns#runWorkflow}.
 *
 * @param <T> the object type
 * @param <R> the value type
 */
@FunctionalInterface
public interface Value<T, R> {

  /**
   * @param obj the current object
   * @param engine the engine
   * @return the value
   * @throws Exception anything; it fails the task that asked
   */
  R get(T obj, WorkflowEngine<T> engine) throws Exception;
}
