package dev.flowstate.spring;

import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.engine.WorkflowEngine;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/*
 * A JPA persistence unit of the application on flowstate's DataSource, whose EntityManager a task
 * finds bound: a Hibernate session opened on the run's connection when the task first uses it (so
 * a task that never touches JPA begins nothing), flushed when the task returns, closed when it
 * ends. The connection it gets cannot commit, roll back or close: the run's save points do.
 */
final class JpaUnit {

  private static final Logger LOG = LoggerFactory.getLogger(JpaUnit.class);

  private final EntityManagerFactory factory;
  private final SessionFactory sessions;
  private final Class<?>[] interfaces;

  private JpaUnit(EntityManagerFactory factory, SessionFactory sessions, Class<?>[] interfaces) {
    this.factory = factory;
    this.sessions = sessions;
    this.interfaces = interfaces;
  }

  /** The units of {@code factories} on {@code dataSource} that flowstate can join (Hibernate's). */
  static List<JpaUnit> on(DataSource dataSource, List<EntityManagerFactory> factories) {
    List<JpaUnit> units = new ArrayList<>();
    for (EntityManagerFactory factory : factories) {
      if (!(factory instanceof EntityManagerFactoryInfo info)
          || info.getDataSource() != dataSource) {
        LOG.debug("persistence unit {} is not on flowstate's DataSource: not joined", factory);
        continue;
      }
      SessionFactory sessions;
      try {
        sessions = factory.unwrap(SessionFactory.class);
      } catch (RuntimeException e) {
        LOG.warn(
            "persistence unit {} is not Hibernate's: its repositories called by tasks do not join"
                + " the run's transaction (JdbcTemplate and JdbcClient do)",
            info.getPersistenceUnitName());
        continue;
      }
      Set<Class<?>> interfaces = new LinkedHashSet<>();
      if (info.getEntityManagerInterface() != null) {
        interfaces.add(info.getEntityManagerInterface());
      }
      interfaces.add(Session.class);
      interfaces.add(EntityManager.class);
      units.add(new JpaUnit(factory, sessions, interfaces.toArray(Class<?>[]::new)));
    }
    return units;
  }

  /** The key Spring's JPA support looks the EntityManager up by. */
  EntityManagerFactory factory() {
    return factory;
  }

  /** Binds an EntityManager over {@code engine}'s run transaction for the task about to run. */
  Bound bind(WorkflowEngine<?> engine) {
    Bound bound = new Bound(engine);
    EntityManager proxy =
        (EntityManager) Proxy.newProxyInstance(Session.class.getClassLoader(), interfaces, bound);
    TransactionSynchronizationManager.bindResource(factory, new RunEntityManagerHolder(proxy));
    return bound;
  }

  /** One task's EntityManager: the session behind it is opened when first used. */
  final class Bound implements InvocationHandler {
    private final WorkflowEngine<?> engine;
    private Session session;

    Bound(WorkflowEngine<?> engine) {
      this.engine = engine;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "close":
          return null; // it ends with the task
        case "isOpen":
          if (session == null) {
            return true;
          }
          break;
        case "toString":
          if (session == null) {
            return "EntityManager of the run of workflow "
                + engine.workflowId()
                + " (not used yet)";
          }
          break;
        default:
          break;
      }
      if (session == null) {
        Session opened =
            sessions
                .withOptions()
                .connection(
                    SpringTransactionBinding.uncommittable(DbWorkflowEngine.connection(engine)))
                .openSession();
        opened.beginTransaction(); // Hibernate's view only: the connection cannot commit
        session = opened;
      }
      try {
        return method.invoke(session, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    /** The task returned: its pending writes go to the database now, inside the task. */
    void flush() {
      if (session == null) {
        return;
      }
      try {
        session.flush();
      } catch (RuntimeException e) {
        DataAccessException translated =
            EntityManagerFactoryUtils.convertJpaAccessExceptionIfPossible(e);
        throw translated != null ? translated : e;
      }
    }

    boolean rollbackOnly() {
      return session != null
          && session.getTransaction().isActive()
          && session.getTransaction().getRollbackOnly();
    }

    /** The task ended: Hibernate's transaction ends (its connection commits nothing), closed. */
    void close(boolean kept) {
      if (session == null) {
        return;
      }
      Session closing = session;
      session = null;
      try {
        if (closing.getTransaction().isActive()) {
          if (kept && !closing.getTransaction().getRollbackOnly()) {
            closing.getTransaction().commit();
          } else {
            closing.getTransaction().rollback();
          }
        }
      } finally {
        closing.close();
      }
    }
  }

  /** Shown as an active, synchronized transaction, whatever Spring's resets say. */
  static final class RunEntityManagerHolder extends EntityManagerHolder {
    RunEntityManagerHolder(EntityManager entityManager) {
      super(entityManager);
      active();
    }

    private void active() {
      setTransactionActive(true);
      setSynchronizedWithTransaction(true);
    }

    @Override
    public void clear() {
      super.clear();
      active();
    }
  }
}
