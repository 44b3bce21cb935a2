package dev.flowstate.db;

import dev.flowstate.db.internal.Store;
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

  private final Store sessions;
  private final TransactionBinding binding;
  private TransactionBinding.Scope scope;
  private EntityManager em;
  private Savepoint objectStart;
  private Savepoint taskStart;

  /*
   * Whether the transaction was asked for since the current object began: until then nothing was
   * written since objectStart, so its first task starts at the same point and shares the savepoint
   * (ROLLBACK TO SAVEPOINT keeps it). One SAVEPOINT per object instead of two: each is a round trip
   * and a subtransaction, 18 per ten-object checkpoint before.
   */
  private boolean askedSinceObjectStart;
  private boolean firstTaskOfObject;

  RunTransaction(Store sessions, TransactionBinding binding) {
    this.sessions = sessions;
    this.binding = binding;
  }

  /**
   * The transaction for a task of workflow {@code id}, begun now if no task asked before: what
   * tasks write through it commits with the save point that ends their object (or checkpoint), and
   * rolls back with a failure, an abort or a skip of their object, a crash, or a fenced-out save.
   *
   * @param running whether a run of the workflow is under way (else there is no transaction)
   */
  EntityManager forTask(boolean running, java.util.UUID id) {
    if (!running) {
      throw new IllegalStateException(
          "workflow "
              + id
              + " has no run transaction now: tasks get it while they run, from the engine they"
              + " were given");
    }
    return get();
  }

  /** The transaction, begun now if no task asked before. */
  EntityManager get() {
    askedSinceObjectStart = true;
    if (em == null) {
      em = sessions.begin();
    }
    return em;
  }

  /**
   * An object begins: with a transaction open from earlier objects, mark where its writes start.
   */
  void objectStarts() {
    objectStart = em == null ? null : savepoint();
    taskStart = null;
    askedSinceObjectStart = false;
    firstTaskOfObject = true;
  }

  /** A task begins (one round trip, only while a transaction is open). */
  void taskStarts(dev.flowstate.engine.WorkflowEngine<?> engine) {
    if (em == null) {
      taskStart = null;
    } else if (firstTaskOfObject && !askedSinceObjectStart && objectStart != null) {
      taskStart = objectStart;
    } else {
      taskStart = savepoint();
    }
    firstTaskOfObject = false;
    if (binding != null) {
      if (scope == null) {
        scope = binding.newScope(engine);
      }
      scope.taskStarts();
    }
  }

  /**
   * A task ended: the binding unbinds. When the task returned and the binding cannot keep its work,
   * the task fails with the binding's exception; when the task threw already, a second failure is
   * kept with the first.
   */
  void taskEnds(Throwable thrown) {
    if (scope == null) {
      return;
    }
    if (thrown == null) {
      scope.taskEnds(null);
      return;
    }
    try {
      scope.taskEnds(thrown);
    } catch (RuntimeException | Error e) {
      thrown.addSuppressed(e);
    }
  }

  /** The save point committed the run's transaction or rolled it back. */
  void ended(boolean committed) {
    if (scope != null) {
      scope.ended(committed);
    }
  }

  private Savepoint savepoint() {
    return em.unwrap(Session.class).doReturningWork(connection -> connection.setSavepoint());
  }

  void undoObject() {
    undoSince(objectStart, true);
  }

  void undoTask() {
    undoSince(taskStart, false);
  }

  private void undoSince(Savepoint start, boolean objectWide) {
    if (em == null) {
      if (scope != null) {
        scope.undone(objectWide);
      }
      return;
    }
    if (start != null) {
      try {
        em.unwrap(Session.class).doWork(connection -> connection.rollback(start));
        em.clear();
        if (scope != null) {
          scope.undone(objectWide);
        }
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
      sessions.discard(em);
      em = null;
    }
    objectStart = null;
    taskStart = null;
    ended(false);
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
