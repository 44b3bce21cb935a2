package dev.flowstate.engine;

/**
 * Observes an engine's runs: every method does nothing by default. A listener that throws is logged
 * and the run goes on: observers must not change the outcome.
 *
 * <p>A listener belongs to the engine it was added to; the child engines that patterns create
 * (runWorkflow, parallelSplit, synchronize) do not inherit it.
 *
 * @param <T> the type of the objects the workflow runs on
 */
public interface EngineListener<T> {

  /**
   * A run started or restarted.
   *
   * @param engine the engine
   */
  default void started(WorkflowEngine<T> engine) {}

  /**
   * A run ended normally or through stop/abort.
   *
   * @param engine the engine; {@link WorkflowEngine#hasCompleted()} tells whether every object was
   *     processed
   */
  default void finished(WorkflowEngine<T> engine) {}

  /**
   * A task halted the run; the engine's state points at it.
   *
   * @param engine the engine
   * @param halt the halt with its message, action and payload
   */
  default void halted(WorkflowEngine<T> engine, HaltProcessing halt) {}

  /**
   * A task (or hook) threw; the engine's state points at it.
   *
   * @param engine the engine
   * @param error what was thrown
   */
  default void error(WorkflowEngine<T> engine, Throwable error) {}
}
