package dev.flowstate.engine;

import java.util.List;

/**
 * Code that runs at fixed points of the run loop; every method does nothing by default. This is how
 * a persistent engine saves: it adds hooks, it never runs a loop of its own.
 *
 * <p>The engine's own work at these points (remembering the objects, emitting events, keeping
 * {@link WorkflowEngine#hasCompleted()} right) happens whatever a hook does, so an overriding hook
 * need not call anything. A hook that throws fails the run like a task that throws: saving is part
 * of the contract, so a failed save must not pass unnoticed.
 *
 * <p>The loop, with the hooks in place:
 *
 * <pre>
 * beforeProcessing
 * for each object:
 *   beforeObject; (definition chosen); beforeCallbacks
 *   for each task: beforeEachCallback; task; afterEachCallback (always)
 *   afterCallbacks (always)
 *   afterObject        (only when the object's tasks ended without a transition or error)
 * afterProcessing      (not after a halt or an error: those leave the run by throwing)
 * </pre>
 *
 * @param <T> the type of the objects the workflow runs on
 */
public interface EngineHooks<T> {

  /**
   * Called when a run starts or restarts, after the engine took the objects.
   *
   * @param engine the engine
   * @param objects the objects of this run
   */
  default void beforeProcessing(WorkflowEngine<T> engine, List<? extends T> objects) {}

  /**
   * Called when a run ends normally or through stop/abort; {@link WorkflowEngine#hasCompleted()}
   * already tells whether every object was processed.
   *
   * @param engine the engine
   * @param objects the objects of this run
   */
  default void afterProcessing(WorkflowEngine<T> engine, List<? extends T> objects) {}

  /**
   * Called before an object's definition is chosen; {@code tokenPos} already points at it.
   *
   * @param engine the engine
   * @param obj the object
   */
  default void beforeObject(WorkflowEngine<T> engine, T obj) {}

  /**
   * Called after an object's tasks ended without a transition or an error.
   *
   * @param engine the engine
   * @param obj the object
   */
  default void afterObject(WorkflowEngine<T> engine, T obj) {}

  /**
   * Called before the first task of an object runs.
   *
   * @param engine the engine
   * @param obj the object
   */
  default void beforeCallbacks(WorkflowEngine<T> engine, T obj) {}

  /**
   * Called after an object's tasks, always, also when a task threw.
   *
   * @param engine the engine
   * @param obj the object
   */
  default void afterCallbacks(WorkflowEngine<T> engine, T obj) {}

  /**
   * Called before each task. Runs millions of times per second: keep it cheap.
   *
   * @param engine the engine
   * @param task the task about to run
   * @param obj the object
   */
  default void beforeEachCallback(WorkflowEngine<T> engine, Task<T> task, T obj) {}

  /**
   * Called after each task, always, also when it threw.
   *
   * @param engine the engine
   * @param task the task that ran
   * @param obj the object
   */
  default void afterEachCallback(WorkflowEngine<T> engine, Task<T> task, T obj) {}

  /**
   * Called after each task, always, with what it threw: {@code null} when it returned or jumped; a
   * halt, stop, skip or abort it threw counts as thrown. Calls {@link
   * #afterEachCallback(WorkflowEngine, Task, Object)} unless overridden; the loop calls this one.
   *
   * @param engine the engine
   * @param task the task that ran
   * @param obj the object
   * @param thrown what the task threw, or null
   */
  default void afterEachCallback(WorkflowEngine<T> engine, Task<T> task, T obj, Throwable thrown) {
    afterEachCallback(engine, task, obj);
  }
}
