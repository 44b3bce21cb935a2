package dev.flowstate.db;

import dev.flowstate.engine.EngineListener;
import dev.flowstate.engine.WorkflowEngine;

/**
 * A listener of everything a {@link Flowstate} stores and runs, added with {@link
 * Flowstate#addListener}: the events of every run's engine ({@link EngineListener}) and those only
 * a store has: a stored run's start and end, each object and task, each commit, the claims of
 * worker pools and the heartbeat's renewals. What metrics and tracing are built on (the {@code
 * flowstate-micrometer} module is one). Every method has an empty default; calls come from the
 * threads that run, claim and beat, so a listener must be thread-safe and quick. What it throws is
 * logged and skipped.
 *
 * <p>The engine given is the run's core engine: {@code engine.workflowId()} is the workflow's id
 * and {@link DbWorkflowEngine#definitionName(WorkflowEngine)} its definition.
 */
public interface FlowstateListener extends EngineListener<Object> {

  /**
   * A stored run began: its first commit took the workflow.
   *
   * @param engine the run's engine
   * @param interrupted whether the workflow was stored RUNNING: the run before it did not end (its
   *     process died or froze and its lease ran out, or a worker pool handed it back), so this run
   *     takes it over
   */
  default void runStarted(WorkflowEngine<Object> engine, boolean interrupted) {}

  /**
   * A stored run ended and its end was saved.
   *
   * @param engine the run's engine
   * @param status how it was stored: COMPLETED, HALTED (a halt, a stop, an abort) or ERROR (a
   *     task's failure or a failed save)
   */
  default void runEnded(WorkflowEngine<Object> engine, WorkflowStatus status) {}

  /**
   * An object's run ended (in checkpoint mode, before the checkpoint that stores it).
   *
   * @param engine the run's engine
   * @param outcome as its history row says: COMPLETED, HALTED, ERROR, STOPPED, ABORTED, CONTINUED,
   *     JUMPED, SKIPPED
   */
  default void objectEnded(WorkflowEngine<Object> engine, String outcome) {}

  /**
   * A task returned or threw (a halt or a jump included).
   *
   * @param engine the run's engine
   * @param task the task's name
   * @param nanos how long it ran
   */
  default void taskEnded(WorkflowEngine<Object> engine, String task, long nanos) {}

  /**
   * A save point's transaction committed.
   *
   * @param engine the run's engine
   * @param nanos how long the statements and the commit took
   */
  default void saved(WorkflowEngine<Object> engine, long nanos) {}

  /**
   * A worker pool's claim ran.
   *
   * @param pool the pool's name
   * @param workflows how many it claimed (0 when none was due)
   * @param nanos how long the claim's transaction took
   */
  default void claimed(String pool, int workflows, long nanos) {}

  /**
   * A heartbeat could not renew the leases of this Flowstate's running workflows, after its
   * retries: the leases may lapse if the next beats fail too.
   *
   * @param workflows how many running workflows it was renewing
   * @param cause the last failure
   */
  default void leaseRenewalFailed(int workflows, Throwable cause) {}
}
