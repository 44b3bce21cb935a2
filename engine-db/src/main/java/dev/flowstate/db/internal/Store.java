package dev.flowstate.db.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.OwnershipException;
import dev.flowstate.db.StoreException;
import dev.flowstate.migrations.DatabaseKind;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.model.naming.CamelCaseToUnderscoresNamingStrategy;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.format.jackson.JacksonJsonFormatMapper;

/**
 * The Hibernate session factory over flowstate's entities, built in code (no persistence.xml), and
 * the one place where transactions begin and end: a run's own transaction ({@link #begin()}, ended
 * by the save point that commits it through {@link #write}), and the short ones of every other
 * write and read.
 */
public final class Store implements AutoCloseable {

  /** Rows per JDBC batch. */
  public static final int BATCH_SIZE = 50;

  private final SessionFactory sessions;
  private final String schema;
  private final String qualifier;
  private final DatabaseKind kind;
  private final ObjectMapper mapper;

  private Store(SessionFactory sessions, String schema, DatabaseKind kind, ObjectMapper mapper) {
    this.sessions = sessions;
    this.mapper = mapper;
    this.schema = schema;
    this.qualifier = schema == null ? "" : kind.quote(schema) + ".";
    this.kind = kind;
  }

  /** The Jackson mapper of the JSON columns, for native SQL that writes them as Hibernate would. */
  ObjectMapper mapper() {
    return mapper;
  }

  /** The database's kind, which chooses the statements (decided by the builder, once). */
  public DatabaseKind kind() {
    return kind;
  }

  /** The schema of flowstate's tables, or null for the connection's own. */
  public String schema() {
    return schema;
  }

  /** A table's name for native SQL, with the configured schema. */
  public String table(String name) {
    return qualifier + name;
  }

  /**
   * @param dataSource the database, already migrated
   * @param schema the schema of flowstate's tables, or null for the default
   * @param kind the database's kind
   * @param mapper the Jackson mapper for JSON columns (with JavaTimeModule registered)
   * @return the store
   */
  public static Store open(
      DataSource dataSource, String schema, DatabaseKind kind, ObjectMapper mapper) {
    StandardServiceRegistryBuilder settings =
        new StandardServiceRegistryBuilder()
            .applySetting(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
            .applySetting(AvailableSettings.JSON_FORMAT_MAPPER, new JacksonJsonFormatMapper(mapper))
            .applySetting(
                AvailableSettings.PHYSICAL_NAMING_STRATEGY,
                CamelCaseToUnderscoresNamingStrategy.class.getName())
            .applySetting(AvailableSettings.STATEMENT_BATCH_SIZE, BATCH_SIZE)
            .applySetting(AvailableSettings.ORDER_INSERTS, true)
            .applySetting(AvailableSettings.ORDER_UPDATES, true)
            .applySetting(AvailableSettings.HBM2DDL_AUTO, "none")
            // bulk updates of our single-table entities need no id tables; never create any
            .applySetting("hibernate.query.mutation_strategy.global_temporary.create_tables", false)
            .applySetting("hibernate.query.mutation_strategy.global_temporary.drop_tables", false)
            .applySetting("hibernate.query.mutation_strategy.persistent.create_tables", false)
            .applySetting("hibernate.query.mutation_strategy.persistent.drop_tables", false)
            .applySetting("hibernate.query.mutation_strategy.local_temporary.drop_tables", false)
            .applySetting(AvailableSettings.SHOW_SQL, false);
    if (kind.mysqlFamily()) {
      // ids are CHAR(36) text there: Hibernate's own choice on MySQL (and on a MariaDB it takes
      // for older than 10.7) is 16 raw bytes, which that column would store as garbage
      settings.applySetting(AvailableSettings.PREFERRED_UUID_JDBC_TYPE, SqlTypes.CHAR);
    }
    if (kind.mysqlFamily()) {
      // a MariaDB behind MySQL's driver, told apart on Hibernate's own first connection
      settings.applySetting(
          AvailableSettings.DIALECT_RESOLVERS, MariaDbDialectResolver.class.getName());
    }
    if (dataSource instanceof com.zaxxer.hikari.HikariDataSource pool && !pool.isAutoCommit()) {
      // its connections come with autocommit off: Hibernate need not switch it at each begin
      settings.applySetting(AvailableSettings.CONNECTION_PROVIDER_DISABLES_AUTOCOMMIT, true);
    }
    if (schema != null) {
      // the MySQL family's schema is a database, which Hibernate calls a catalog there
      settings.applySetting(
          kind.mysqlFamily() ? AvailableSettings.DEFAULT_CATALOG : AvailableSettings.DEFAULT_SCHEMA,
          kind.quote(schema));
    }
    StandardServiceRegistry registry = settings.build();
    try {
      SessionFactory sessions =
          new MetadataSources(registry)
              .addAnnotatedClass(WorkflowEntity.class)
              .addAnnotatedClass(ObjectEntity.class)
              .addAnnotatedClass(ObjectRunEntity.class)
              .addAnnotatedClass(WorkerEntity.class)
              .buildMetadata()
              .buildSessionFactory();
      return new Store(sessions, schema, kind, mapper);
    } catch (RuntimeException e) {
      StandardServiceRegistryBuilder.destroy(registry);
      throw e;
    }
  }

  /** A new entity manager; the caller closes it. */
  public EntityManager open() {
    return sessions.createEntityManager();
  }

  /** Runs {@code work} in a transaction of its own on a new entity manager. */
  public <R> R inTransaction(Function<EntityManager, R> work) {
    return inTransaction(begin(), work);
  }

  /**
   * A new entity manager with its transaction begun: a run's own transaction, which tasks write
   * through and the next save point commits.
   */
  public EntityManager begin() {
    EntityManager em = open();
    try {
      em.getTransaction().begin();
      return em;
    } catch (RuntimeException e) {
      em.close();
      throw e;
    }
  }

  /**
   * Runs {@code work} in the transaction {@code em} already has, commits it and closes {@code em};
   * on failure rolls it back and closes it.
   */
  public <R> R inTransaction(EntityManager em, Function<EntityManager, R> work) {
    try (em) {
      try {
        R result = work.apply(em);
        em.getTransaction().commit();
        return result;
      } catch (RuntimeException | Error e) {
        rollback(em, e);
        throw e;
      }
    }
  }

  /** Rolls back {@code em}'s transaction, whatever happens, and closes it. */
  public void discard(EntityManager em) {
    try (em) {
      if (em.getTransaction().isActive()) {
        em.getTransaction().rollback();
      }
    } catch (RuntimeException ignored) {
      // the connection is gone: the database rolls the transaction back itself
    }
  }

  /**
   * Rolls back after {@code failure}; a rollback that fails too (the connection is gone) is kept as
   * suppressed, so the caller reads the original cause, not "Unable to rollback".
   */
  private static void rollback(EntityManager em, Throwable failure) {
    try {
      if (em.getTransaction().isActive()) {
        em.getTransaction().rollback();
      }
    } catch (RuntimeException rollbackFailed) {
      failure.addSuppressed(rollbackFailed);
    }
  }

  /** Runs {@code work} on a new entity manager without a transaction: for single reads. */
  public <R> R withoutTransaction(Function<EntityManager, R> work) {
    try (EntityManager em = open()) {
      return work.apply(em);
    }
  }

  /**
   * Runs {@code work} as one transaction; a database failure becomes a {@link StoreException}
   * naming the workflow and {@code where}, a version mismatch the conflict error.
   *
   * @param id the workflow written
   * @param where what was being saved, e.g. "at object 3", for the message
   * @param work the statements
   */
  public void write(UUID id, String where, Consumer<EntityManager> work) {
    write(null, id, where, work);
  }

  /**
   * {@link #write(UUID, String, Consumer)} in a transaction already open ({@link #begin()}), or in
   * a new one when {@code open} is null; either way committed and closed here.
   */
  public void write(EntityManager open, UUID id, String where, Consumer<EntityManager> work) {
    try {
      // one flush, at commit: a second one would compare JSON columns with Hibernate's copies of
      // them (a long read back as an int is "changed") and write the rows again
      java.util.function.Function<EntityManager, Object> statements =
          em -> {
            work.accept(em);
            return null;
          };
      if (open == null) {
        inTransaction(statements);
      } else {
        inTransaction(open, statements);
      }
    } catch (StoreException e) {
      throw e;
    } catch (PersistenceException e) {
      if (conflicted(e)) {
        throw conflict(id, e);
      }
      throw new StoreException(
          "workflow " + id + ": could not save" + where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether a failed write met a row saved by someone else (its version moved on), as opposed to
   * the database's own trouble: JPA wraps a deadlock or lock timeout in the same
   * OptimisticLockException as a version mismatch, but that write failed and can be tried again,
   * nobody else saved the workflow.
   */
  static boolean conflicted(PersistenceException e) {
    boolean stale = false;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof org.hibernate.exception.LockAcquisitionException
          || cause instanceof org.hibernate.PessimisticLockException
          || cause instanceof java.sql.SQLTransactionRollbackException) {
        return false;
      }
      stale |=
          cause instanceof org.hibernate.StaleStateException
              || cause instanceof jakarta.persistence.OptimisticLockException;
    }
    return stale;
  }

  /** The error of a write that found the workflow saved by another engine. */
  public static OwnershipException conflict(UUID id, Exception cause) {
    return new OwnershipException(
        "workflow "
            + id
            + " was saved by another engine since this one last saved it; this engine's"
            + " changes were not written. Load the workflow again to continue from what is stored",
        null,
        null,
        cause);
  }

  /**
   * Runs {@code work} on a connection of the session factory, outside any transaction: for reads in
   * plain JDBC.
   */
  public <R> R reading(org.hibernate.jdbc.ReturningWork<R> work) {
    return withoutTransaction(em -> em.unwrap(Session.class).doReturningWork(work));
  }

  /** The database's current time (CURRENT_TIMESTAMP), read outside any transaction. */
  public Instant databaseTime() {
    // the family's CURRENT_TIMESTAMP has no zone and whole seconds: UTC, to the microsecond
    boolean family = kind.mysqlFamily();
    return reading(
        connection -> {
          try (PreparedStatement read =
                  connection.prepareStatement(
                      family ? "SELECT UTC_TIMESTAMP(6)" : "SELECT CURRENT_TIMESTAMP");
              ResultSet r = read.executeQuery()) {
            r.next();
            return family
                ? r.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC)
                : r.getObject(1, java.time.OffsetDateTime.class).toInstant();
          }
        });
  }

  /**
   * Binds a workflow id as its column takes it: a UUID where the database has the type, its text in
   * the MySQL family's CHAR(36) (MySQL's driver would otherwise send a serialized Java object).
   */
  public static void bindId(PreparedStatement statement, int index, UUID id, DatabaseKind kind)
      throws java.sql.SQLException {
    if (kind.mysqlFamily()) {
      statement.setString(index, id.toString());
    } else {
      statement.setObject(index, id);
    }
  }

  /** A workflow id read from any database's column (its text is the same everywhere). */
  public static UUID readId(ResultSet r, int column) throws java.sql.SQLException {
    return UUID.fromString(r.getString(column));
  }

  /**
   * Hibernate's own pooled id generator of {@code entity}, for rows the set-based dialects insert
   * themselves: their ids never collide with the rows Hibernate inserts.
   */
  static org.hibernate.generator.BeforeExecutionGenerator idGenerator(
      org.hibernate.engine.spi.SessionImplementor session, Class<?> entity) {
    return (org.hibernate.generator.BeforeExecutionGenerator)
        session.getFactory().getMappingMetamodel().getEntityDescriptor(entity).getGenerator();
  }

  @Override
  public void close() {
    sessions.close();
  }
}
