package dev.flowstate.migrations;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies flowstate's schema ({@code fs_} tables and status views) with Flyway.
 *
 * <pre>{@code
 * FlowstateMigrations.migrate(dataSource);                  // own history table, default schema
 *
 * Flyway.configure()                                        // or inside the application's Flyway
 *     .dataSource(dataSource)                               // (PostgreSQL; on MariaDB or MySQL:
 *     .locations("classpath:db/migration/app",              //  MYSQL_LOCATION, VIEWS_LOCATION,
 *                FlowstateMigrations.LOCATION)              //  as locations(kind) lists them)
 *     .placeholders(FlowstateMigrations.placeholders(DatabaseKind.POSTGRESQL))
 *     .load().migrate();
 * }</pre>
 *
 * <p>H2 and PostgreSQL read {@link #LOCATION}; the MySQL family (MariaDB, MySQL) reads {@link
 * #MYSQL_LOCATION}, which starts at version 9 with the schema the others reach there, and the
 * status views from {@link #VIEWS_LOCATION} (inside {@link #LOCATION}): one definition of the views
 * for every family. The placeholders ({@link #placeholders(DatabaseKind)}) fill in what differs
 * within a location. Stateless and thread-safe.
 */
public final class FlowstateMigrations {

  /**
   * Where the migrations are on the classpath: outside {@code db/migration}, which Flyway and
   * Spring Boot scan by default (with its subfolders), so that an application's own Flyway never
   * picks them up unless told to.
   */
  public static final String LOCATION = "classpath:flowstate/migration";

  /**
   * The status views' repeatable migration, a folder of {@link #LOCATION}, shared by every family.
   */
  public static final String VIEWS_LOCATION = LOCATION + "/views";

  /**
   * The MySQL family's versions (MariaDB, MySQL): apart from {@link #LOCATION}, whose versions 1 to
   * 9 they replace with one.
   */
  public static final String MYSQL_LOCATION = "classpath:flowstate/mysql-migration";

  /** Flyway's history table for flowstate's own migrations, apart from an application's. */
  public static final String HISTORY_TABLE = "fs_schema_history";

  /**
   * The newest schema version this flowstate knows. A database at a higher version was migrated by
   * a newer flowstate: tools refuse to read it rather than misread it.
   */
  public static final int LATEST_VERSION = 10;

  /** The placeholder naming the column type of JSON data. */
  public static final String JSON_TYPE_PLACEHOLDER = "json_type";

  /** The placeholder that starts a statement only PostgreSQL runs: a comment elsewhere. */
  public static final String PG_ONLY_PLACEHOLDER = "pg_only";

  /** The placeholder that starts a statement only MariaDB runs: a comment elsewhere. */
  public static final String MARIADB_ONLY_PLACEHOLDER = "mariadb_only";

  /** The placeholder that starts a statement only MySQL runs: a comment elsewhere. */
  public static final String MYSQL_ONLY_PLACEHOLDER = "mysql_only";

  private static final Logger LOG = LoggerFactory.getLogger(FlowstateMigrations.class);

  private FlowstateMigrations() {}

  /**
   * Applies the pending migrations to the connection's default schema.
   *
   * @param dataSource the database
   * @return how many schema versions were applied (0 when the schema is up to date; the status
   *     views, re-created when their definitions change, are not counted)
   * @throws IllegalArgumentException if {@code dataSource} is null
   * @throws MigrationException if the database cannot be reached or a migration fails; the message
   *     says which
   */
  public static int migrate(DataSource dataSource) {
    return migrate(dataSource, null);
  }

  /**
   * Applies the pending migrations to {@code schema}, creating it if needed.
   *
   * @param dataSource the database
   * @param schema the schema, or {@code null} for the connection's default
   * @return how many schema versions were applied
   * @throws IllegalArgumentException if {@code dataSource} is null
   * @throws MigrationException if the database cannot be reached or a migration fails
   */
  public static int migrate(DataSource dataSource, String schema) {
    return migrate(dataSource, schema, null);
  }

  /**
   * Applies the pending migrations to {@code schema} of a database whose kind the caller decided (a
   * builder told the kind, or one that read it already).
   *
   * @param dataSource the database
   * @param schema the schema, or {@code null} for the connection's default
   * @param kind the database's kind, or {@code null} to read it from the database
   * @return how many schema versions were applied
   * @throws IllegalArgumentException if {@code dataSource} is null
   * @throws MigrationException if the database cannot be reached or a migration fails
   */
  public static int migrate(DataSource dataSource, String schema, DatabaseKind kind) {
    FluentConfiguration config =
        configure(Flyway.configure(), dataSource, kind)
            .table(HISTORY_TABLE)
            // a schema the application already uses is shared: flowstate's tables are fs_-prefixed
            // and its history table is its own, so Flyway starts below V1 instead of refusing a
            // non-empty schema without a history table
            .baselineOnMigrate(true)
            .baselineVersion("0");
    if (schema != null) {
      config.schemas(schema).createSchemas(true);
    }
    try {
      MigrateResult result = config.load().migrate();
      int versions = 0;
      for (var applied : result.migrations) {
        if (applied.version != null && !applied.version.isEmpty()) {
          versions++; // not the views' repeatable migration, which has no version
        }
      }
      if (result.migrationsExecuted > 0) {
        LOG.info(
            "flowstate schema migrated to version {} ({} versions applied{}{})",
            result.targetSchemaVersion,
            versions,
            versions < result.migrationsExecuted ? ", status views created" : "",
            schema == null ? "" : " in schema " + schema);
      }
      return versions;
    } catch (org.flywaydb.core.api.exception.FlywayValidateException e) {
      throw new MigrationException(
          "the flowstate schema"
              + (schema == null ? "" : " in schema " + schema)
              + " was migrated with other migrations than this flowstate's: "
              + rootMessage(e)
              + "; a migration in fs_schema_history was edited, or another build of flowstate"
              + " migrated it. Use the flowstate that migrated it, or, if the schema is right,"
              + " run Flyway's repair on history table fs_schema_history",
          e);
    } catch (RuntimeException e) {
      throw new MigrationException(
          "could not migrate the flowstate schema: "
              + rootMessage(e)
              + "; check that the database is reachable and the user may create tables",
          e);
    }
  }

  /**
   * Applies the pending migrations through connections of their own, opened from the JDBC URL and
   * closed when done: Flyway holds two or three connections at once, more than a small pool may
   * lend.
   *
   * @param jdbcUrl the database's JDBC URL
   * @param user the user, or {@code null} if the URL names it
   * @param password the password, or {@code null}
   * @param schema the schema, or {@code null} for the connection's default
   * @return how many schema versions were applied
   * @throws IllegalArgumentException if {@code jdbcUrl} is null
   * @throws MigrationException if the database cannot be reached or a migration fails
   */
  public static int migrate(String jdbcUrl, String user, String password, String schema) {
    return migrate(jdbcUrl, user, password, schema, null);
  }

  /**
   * As {@link #migrate(String, String, String, String)}, for a database whose kind the caller
   * decided.
   *
   * @param jdbcUrl the database's JDBC URL
   * @param user the user, or {@code null} if the URL names it
   * @param password the password, or {@code null}
   * @param schema the schema, or {@code null} for the connection's default
   * @param kind the database's kind, or {@code null} to read it from the database
   * @return how many schema versions were applied
   * @throws IllegalArgumentException if {@code jdbcUrl} is null
   * @throws MigrationException if the database cannot be reached or a migration fails
   */
  public static int migrate(
      String jdbcUrl, String user, String password, String schema, DatabaseKind kind) {
    if (jdbcUrl == null) {
      throw new IllegalArgumentException("jdbcUrl must not be null");
    }
    DataSource unpooled;
    try {
      unpooled = Flyway.configure().dataSource(jdbcUrl, user, password).getDataSource();
    } catch (RuntimeException e) {
      throw new MigrationException(
          "could not migrate the flowstate schema: " + rootMessage(e) + "; check the JDBC URL", e);
    }
    return migrate(unpooled, schema, kind);
  }

  /** Flowstate's locations and placeholders on a Flyway configuration. */
  static FluentConfiguration configure(
      FluentConfiguration config, DataSource dataSource, DatabaseKind kind) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource must not be null");
    }
    DatabaseKind known = kind != null ? kind : kindOf(dataSource);
    return config
        .dataSource(dataSource)
        .locations(locations(known))
        .placeholders(placeholders(known));
  }

  /**
   * Where the migrations of a database of {@code kind} are, for an application's own Flyway.
   *
   * @param kind the database's kind
   * @return {@link #LOCATION} for H2, PostgreSQL and any other database; {@link #MYSQL_LOCATION}
   *     and {@link #VIEWS_LOCATION} for MariaDB and MySQL
   * @throws IllegalArgumentException if {@code kind} is null
   */
  public static String[] locations(DatabaseKind kind) {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    return kind.mysqlFamily()
        ? new String[] {MYSQL_LOCATION, VIEWS_LOCATION}
        : new String[] {LOCATION};
  }

  /**
   * The placeholder values for {@code dataSource}'s database.
   *
   * @param dataSource the database
   * @return {@value #JSON_TYPE_PLACEHOLDER} → {@code JSONB} on PostgreSQL, {@code JSON} elsewhere;
   *     {@value #PG_ONLY_PLACEHOLDER} → nothing on PostgreSQL, a comment's start elsewhere (for
   *     statements only PostgreSQL knows, such as a table's fillfactor)
   * @throws MigrationException if the database cannot be reached
   */
  public static Map<String, String> placeholders(DataSource dataSource) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource must not be null");
    }
    return placeholders(kindOf(dataSource));
  }

  private static DatabaseKind kindOf(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return DatabaseKind.of(connection);
    } catch (SQLException e) {
      throw new MigrationException(
          "could not connect to the database to migrate the flowstate schema: "
              + e.getMessage()
              + "; check the JDBC URL, user and password, and that the server is running",
          e);
    }
  }

  /**
   * The placeholder values for a database of {@code kind}.
   *
   * @param kind the database's kind
   * @return {@value #JSON_TYPE_PLACEHOLDER} → {@code JSONB} on PostgreSQL, {@code JSON} elsewhere;
   *     {@value #PG_ONLY_PLACEHOLDER}, {@value #MARIADB_ONLY_PLACEHOLDER} and {@value
   *     #MYSQL_ONLY_PLACEHOLDER} → nothing on the database they name, a comment's start elsewhere
   * @throws IllegalArgumentException if {@code kind} is null
   */
  public static Map<String, String> placeholders(DatabaseKind kind) {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    boolean postgres = kind == DatabaseKind.POSTGRESQL;
    return Map.of(
        JSON_TYPE_PLACEHOLDER,
        postgres ? "JSONB" : "JSON",
        PG_ONLY_PLACEHOLDER,
        only(postgres),
        MARIADB_ONLY_PLACEHOLDER,
        only(kind == DatabaseKind.MARIADB),
        MYSQL_ONLY_PLACEHOLDER,
        only(kind == DatabaseKind.MYSQL));
  }

  /** A statement that starts with the placeholder runs, or is a comment. */
  private static String only(boolean runs) {
    return runs ? "" : "-- ";
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e
        ? String.valueOf(e.getMessage())
        : e.getMessage() + " (" + root.getMessage() + ")";
  }
}
