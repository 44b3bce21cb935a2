package dev.flowstate.spring;

import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.TransactionBinding;
import dev.flowstate.engine.Transition;
import dev.flowstate.engine.WorkflowEngine;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.ConnectionHandle;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.ResourceHolderSynchronization;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/*
 * While a task of a stored workflow runs, Spring's data access on its thread finds the run's own
 * transaction bound as if a transaction manager had begun it: the run's connection for the
 * application's DataSource (JdbcTemplate, JdbcClient, DataSourceTransactionManager), and for each
 * JPA persistence unit on that DataSource an EntityManager over the same connection (Spring Data
 * repositories, JpaTransactionManager). A @Transactional method then participates (REQUIRED) or
 * suspends it (REQUIRES_NEW), as in any Spring transaction. Nothing is begun until the task uses it,
 * and the run's transaction stays flowstate's: commit and rollback come from its save points.
 *
 * Synchronizations registered during a task (a @TransactionalEventListener's, say) hear
 * beforeCommit and beforeCompletion when the task ends, and afterCommit or afterCompletion when the
 * save point that holds its writes commits or rolls back; those of a failed task, or of an object
 * aborted or skipped, hear that they were rolled back. Whatever the thread had bound before (a run
 * started inside the application's own transaction) is suspended for the task and restored after.
 */
final class SpringTransactionBinding implements TransactionBinding {

  private static final Logger LOG = LoggerFactory.getLogger(SpringTransactionBinding.class);

  private final DataSource dataSource;
  private final Supplier<List<JpaUnit>> findUnits;
  private volatile List<JpaUnit> units;

  /**
   * @param dataSource the DataSource flowstate runs on
   * @param findUnits the application's persistence units on it, looked up when the first task runs
   *     (after the context has built them)
   */
  SpringTransactionBinding(DataSource dataSource, Supplier<List<JpaUnit>> findUnits) {
    this.dataSource = dataSource;
    this.findUnits = findUnits;
  }

  @Override
  public Scope newScope(WorkflowEngine<?> engine) {
    if (units == null) {
      units = List.copyOf(findUnits.get());
    }
    return new TaskScope(engine, units);
  }

  /** A synchronization kept until the save point that holds its task's writes. */
  private record Deferred(TransactionSynchronization synchronization, int object) {}

  private final class TaskScope implements Scope {
    private final WorkflowEngine<?> engine;
    private final List<JpaUnit> units;
    private final List<Deferred> deferred = new ArrayList<>();
    private RunConnectionHolder connection;
    private final List<JpaUnit.Bound> bound = new ArrayList<>();
    private Suspended suspended;

    TaskScope(WorkflowEngine<?> engine, List<JpaUnit> units) {
      this.engine = engine;
      this.units = units;
    }

    @Override
    public void taskStarts() {
      suspended = Suspended.take(dataSource, units);
      connection = new RunConnectionHolder(() -> DbWorkflowEngine.connection(engine));
      TransactionSynchronizationManager.bindResource(dataSource, connection);
      for (JpaUnit unit : units) {
        bound.add(unit.bind(engine));
      }
      TransactionSynchronizationManager.initSynchronization();
      TransactionSynchronizationManager.setActualTransactionActive(true);
    }

    @Override
    public void taskEnds(Throwable thrown) {
      boolean failed = thrown != null && !(thrown instanceof Transition);
      List<TransactionSynchronization> synchronizations =
          TransactionSynchronizationManager.getSynchronizations();
      RuntimeException veto = null;
      try {
        if (!failed) {
          veto = rollbackOnly();
          if (veto == null) {
            try {
              for (TransactionSynchronization s : synchronizations) {
                s.beforeCommit(false);
              }
              for (JpaUnit.Bound b : bound) {
                b.flush(); // writes reach the database inside the task, which a failure takes back
              }
            } catch (RuntimeException e) {
              veto = e;
            }
          }
        }
        boolean kept = !failed && veto == null;
        for (TransactionSynchronization s : synchronizations) {
          call(() -> s.beforeCompletion(), s, "beforeCompletion");
        }
        int object = engine.state().tokenPos();
        for (TransactionSynchronization s : synchronizations) {
          if (s instanceof ResourceHolderSynchronization<?, ?>) {
            // Spring's own, for resources that end with this task: complete them now
            complete(s, kept);
          } else if (kept) {
            deferred.add(new Deferred(s, object));
          } else {
            complete(s, false);
          }
        }
        for (JpaUnit.Bound b : bound) {
          b.close(kept);
        }
      } finally {
        bound.clear();
        TransactionSynchronizationManager.clearSynchronization();
        TransactionSynchronizationManager.setActualTransactionActive(false);
        TransactionSynchronizationManager.unbindResourceIfPossible(dataSource);
        for (JpaUnit unit : units) {
          TransactionSynchronizationManager.unbindResourceIfPossible(unit.factory());
        }
        connection = null;
        Suspended was = suspended;
        suspended = null;
        was.restore();
      }
      if (veto != null) {
        throw veto;
      }
    }

    private RuntimeException rollbackOnly() {
      boolean marked = connection.marked;
      for (JpaUnit.Bound b : bound) {
        marked |= b.rollbackOnly();
      }
      if (!marked) {
        return null;
      }
      return new UnexpectedRollbackException(
          "task "
              + engine.currentTaskName()
              + " returned, but a transactional method it called failed and marked the run's"
              + " transaction rollback-only, so its writes cannot commit: the task fails and"
              + " its writes are taken back. Let the exception leave the task, or call the"
              + " method with REQUIRES_NEW if its failure must not undo the task's writes");
    }

    @Override
    public void undone(boolean objectWide) {
      if (!objectWide) {
        return; // a failed task's synchronizations heard it when the task ended
      }
      int object = engine.state().tokenPos();
      deferred.removeIf(
          d -> {
            if (d.object() != object) {
              return false;
            }
            complete(d.synchronization(), false);
            return true;
          });
    }

    @Override
    public void ended(boolean committed) {
      if (deferred.isEmpty()) {
        return;
      }
      List<Deferred> now = new ArrayList<>(deferred);
      deferred.clear();
      for (Deferred d : now) {
        complete(d.synchronization(), committed);
      }
    }
  }

  private static void complete(TransactionSynchronization s, boolean committed) {
    if (committed) {
      call(s::afterCommit, s, "afterCommit");
    }
    int status =
        committed
            ? TransactionSynchronization.STATUS_COMMITTED
            : TransactionSynchronization.STATUS_ROLLED_BACK;
    call(() -> s.afterCompletion(status), s, "afterCompletion");
  }

  /** As Spring does after a commit: a synchronization that throws is logged, the rest still run. */
  private static void call(Runnable callback, TransactionSynchronization s, String what) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.error("TransactionSynchronization {} of {} threw", what, s, e);
    }
  }

  /**
   * The run's connection as Spring's transaction resource: fetched from the run when first asked
   * (which begins the run's transaction), shown as an active transaction so that transaction
   * managers participate in it, and remembering a rollback-only mark that Spring's resets would
   * otherwise clear.
   */
  static final class RunConnectionHolder extends ConnectionHolder {
    volatile boolean marked;

    RunConnectionHolder(ConnectionHandle handle) {
      super(handle);
      active();
    }

    private void active() {
      setTransactionActive(true);
      setSynchronizedWithTransaction(true);
    }

    @Override
    public void setRollbackOnly() {
      super.setRollbackOnly();
      marked = true;
    }

    @Override
    public void clear() {
      super.clear();
      active();
    }
  }

  /** What the thread had bound before a task: suspended for the task, restored after it. */
  private static final class Suspended {
    private static final Suspended NOTHING = new Suspended(Map.of(), null);

    private final Map<Object, Object> resources;
    private final List<TransactionSynchronization> synchronizations;
    private String name;
    private boolean readOnly;
    private Integer isolation;
    private boolean actual;

    private Suspended(
        Map<Object, Object> resources, List<TransactionSynchronization> synchronizations) {
      this.resources = resources;
      this.synchronizations = synchronizations;
    }

    static Suspended take(DataSource dataSource, List<JpaUnit> units) {
      if (!TransactionSynchronizationManager.isSynchronizationActive()
          && TransactionSynchronizationManager.getResourceMap().isEmpty()) {
        return NOTHING; // a worker pool's thread: nothing to suspend, nothing to allocate
      }
      Map<Object, Object> resources = new LinkedHashMap<>();
      suspend(dataSource, resources);
      for (JpaUnit unit : units) {
        suspend(unit.factory(), resources);
      }
      if (!TransactionSynchronizationManager.isSynchronizationActive()) {
        return resources.isEmpty() ? NOTHING : new Suspended(resources, null);
      }
      List<TransactionSynchronization> synchronizations =
          TransactionSynchronizationManager.getSynchronizations();
      for (TransactionSynchronization s : synchronizations) {
        s.suspend();
      }
      Suspended suspended = new Suspended(resources, synchronizations);
      suspended.name = TransactionSynchronizationManager.getCurrentTransactionName();
      suspended.readOnly = TransactionSynchronizationManager.isCurrentTransactionReadOnly();
      suspended.isolation = TransactionSynchronizationManager.getCurrentTransactionIsolationLevel();
      suspended.actual = TransactionSynchronizationManager.isActualTransactionActive();
      TransactionSynchronizationManager.clearSynchronization();
      TransactionSynchronizationManager.setCurrentTransactionName(null);
      TransactionSynchronizationManager.setCurrentTransactionReadOnly(false);
      TransactionSynchronizationManager.setCurrentTransactionIsolationLevel(null);
      TransactionSynchronizationManager.setActualTransactionActive(false);
      return suspended;
    }

    private static void suspend(Object key, Map<Object, Object> into) {
      Object resource = TransactionSynchronizationManager.unbindResourceIfPossible(key);
      if (resource != null) {
        into.put(key, resource);
      }
    }

    void restore() {
      resources.forEach(TransactionSynchronizationManager::bindResource);
      if (synchronizations == null) {
        return;
      }
      TransactionSynchronizationManager.initSynchronization();
      for (TransactionSynchronization s : synchronizations) {
        s.resume();
        TransactionSynchronizationManager.registerSynchronization(s);
      }
      TransactionSynchronizationManager.setCurrentTransactionName(name);
      TransactionSynchronizationManager.setCurrentTransactionReadOnly(readOnly);
      TransactionSynchronizationManager.setCurrentTransactionIsolationLevel(isolation);
      TransactionSynchronizationManager.setActualTransactionActive(actual);
    }
  }

  /** Connections handed to an application's persistence unit: they cannot end the transaction. */
  static Connection uncommittable(Connection connection) {
    return (Connection)
        java.lang.reflect.Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "commit", "close":
                  return null;
                case "rollback":
                  if (args == null) {
                    return null; // its own rollback: the task's failure takes the writes back
                  }
                  break;
                case "setAutoCommit":
                  if (Boolean.TRUE.equals(args[0])) {
                    throw new IllegalStateException(
                        "the run's connection stays in its transaction: auto-commit is refused");
                  }
                  return null;
                case "equals":
                  return proxy == args[0];
                case "hashCode":
                  return System.identityHashCode(proxy);
                default:
                  break;
              }
              try {
                return method.invoke(connection, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
