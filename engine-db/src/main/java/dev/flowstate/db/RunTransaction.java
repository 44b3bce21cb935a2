package dev.flowstate.db;

import dev.flowstate.db.internal.WorkflowStore;
import jakarta.persistence.EntityManager;
import java.sql.Savepoint;
import org.hibernate.Session;

/*
 * A run's own transaction (DbWorkflowEngine.connection): begun when a task first asks, committed
 * by the next save point with the rows it saves, so what tasks write through it lands exactly
 * once. Savepoints mark where the current object's and the current task's writes begin, so a
 * failed task (or an aborted or skipped object) takes back only its own writes; when the
 * transaction was begun after such a point, everything in it is undone instead.
 */
final class RunTransaction {

  private final WorkflowStore store;
  private EntityManager em;
  private Savepoint objectStart;
  private Savepoint taskStart;

  RunTransaction(WorkflowStore store) {
    this.store = store;
  }

  /** The transaction, begun now if no task asked before. */
  EntityManager get() {
    if (em == null) {
      em = store.begin();
    }
    return em;
  }

  /**
   * An object begins: with a transaction open from earlier objects, mark where its writes start.
   */
  void objectStarts() {
    objectStart = em == null ? null : savepoint();
    taskStart = null;
  }

  /** A task begins (one round trip, only while a transaction is open). */
  void taskStarts() {
    taskStart = em == null ? null : savepoint();
  }

  private Savepoint savepoint() {
    return em.unwrap(Session.class).doReturningWork(connection -> connection.setSavepoint());
  }

  void undoObject() {
    undoSince(objectStart);
  }

  void undoTask() {
    undoSince(taskStart);
  }

  private void undoSince(Savepoint start) {
    if (em == null) {
      return;
    }
    if (start != null) {
      try {
        em.unwrap(Session.class).doWork(connection -> connection.rollback(start));
        em.clear();
        return;
      } catch (RuntimeException e) {
        // fall through: the whole transaction goes
      }
    }
    discard();
  }

  /** Rolls back everything since the last save point. */
  void discard() {
    if (em != null) {
      store.discard(em);
      em = null;
    }
    objectStart = null;
    taskStart = null;
  }

  /** Hands the transaction (or null) to a save point, which commits or rolls back and closes it. */
  EntityManager take() {
    EntityManager taken = em;
    em = null;
    objectStart = null;
    taskStart = null;
    return taken;
  }
}
