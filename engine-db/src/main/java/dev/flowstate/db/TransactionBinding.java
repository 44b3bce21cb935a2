package dev.flowstate.db;

import dev.flowstate.engine.WorkflowEngine;

/**
 * Lets an application's own data access take part in a stored run's transaction while a task runs:
 * the Spring Boot starter's implementation binds the run's connection to Spring's transaction
 * synchronization, so that {@code JdbcTemplate}, {@code JdbcClient} and Spring Data JPA
 * repositories called by a task write through {@link DbWorkflowEngine#connection(WorkflowEngine)}
 * and commit with the object's save point. Set with {@link
 * FlowstateBuilder#transactionBinding(TransactionBinding)}; most applications never implement it.
 *
 * <p>Every method is called on the thread that runs the workflow, in this order per task: {@link
 * Scope#taskStarts()}, the task, {@link Scope#taskEnds(Throwable)}; then, whenever they happen,
 * {@link Scope#undone(boolean)} and {@link Scope#ended(boolean)}. The run's transaction itself
 * stays flowstate's: the binding never commits, rolls back or closes its connection.
 */
public interface TransactionBinding {

  /**
   * The scope of one stored workflow's engine, created before its first task runs.
   *
   * @param engine the engine its tasks are given (for {@link DbWorkflowEngine#connection})
   * @return the scope, told of every task and every end of the run's transaction
   */
  Scope newScope(WorkflowEngine<?> engine);

  /** What happens to one engine's run transaction, as its binding needs to know. */
  interface Scope {

    /** A task is about to run on this thread: bind what its data access should find. */
    void taskStarts();

    /**
     * The task ended: unbind. Its writes stay in the run's transaction when it returned or threw a
     * transition (a halt, a stop, a skip); they are taken back when it failed ({@link
     * #undone(boolean)} follows).
     *
     * @param thrown what the task threw, or null when it returned
     * @throws RuntimeException when the task returned but its work cannot be kept (writes that fail
     *     to flush, a transaction marked rollback-only): the task then fails with it
     */
    void taskEnds(Throwable thrown);

    /**
     * Writes since the current task ({@code objectWide} false) or the current object began were
     * rolled back: a failed task, an aborted or skipped object.
     *
     * @param objectWide whether the object's writes went, not only the last task's
     */
    void undone(boolean objectWide);

    /**
     * The save point ended the run's transaction: everything written since the previous one is now
     * durable ({@code committed}) or gone.
     *
     * @param committed whether it committed
     */
    void ended(boolean committed);
  }
}
