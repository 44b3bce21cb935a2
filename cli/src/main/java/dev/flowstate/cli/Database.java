package dev.flowstate.cli;

import dev.flowstate.db.FlowstateBuilder;
import dev.flowstate.db.StoreException;
import dev.flowstate.db.WorkflowReader;
import dev.flowstate.migrations.Columns;
import dev.flowstate.migrations.DatabaseKind;
import dev.flowstate.migrations.FlowstateMigrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The database a command works on, opened with plain JDBC: read commands need no Hibernate
 * bootstrap, which would cost them a second of start-up. Every failure becomes a {@link
 * CliException} whose one line says what was wrong and how to fix it.
 */
final class Database {

  final String url;
  final String user;
  final String password;
  final String schema;

  Database(String url, String user, String password, String schema) {
    this.url = url == null ? FlowstateBuilder.DEFAULT_JDBC_URL : url;
    this.user = user;
    this.password = password;
    this.schema = schema;
  }

  /**
   * The URL for a command that runs workflows: an embedded H2 file keeps commits in memory for up
   * to half a second unless told otherwise, so a killed run would lose its last save points; the
   * default URL sets {@code WRITE_DELAY=0}, and a URL given without it gets it here. Reads need
   * nothing of the kind.
   */
  String runUrl() {
    boolean h2 = DatabaseKind.ofUrl(url).orElse(null) == DatabaseKind.H2;
    return h2 && !url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY")
        ? url + ";WRITE_DELAY=0"
        : url;
  }

  boolean isDefault() {
    return url.equals(FlowstateBuilder.DEFAULT_JDBC_URL);
  }

  /**
   * A newcomer's first command after the demo reads the default database, which does not exist: say
   * where the demo's workflows are and the command that lists them.
   */
  private static CliException noDefaultDatabase() {
    boolean demo =
        java.nio.file.Files.exists(java.nio.file.Path.of("flowstate-demo", "flowstate.mv.db"));
    return new CliException(
        "there is no flowstate database in ./flowstate-data (the default) yet"
            + (demo
                ? "; the demo's workflows are in ./flowstate-demo: ./flowstate --db"
                    + " jdbc:h2:./flowstate-demo/flowstate list (or set FLOWSTATE_DB_URL)"
                : "; point --db (or FLOWSTATE_DB_URL) at yours, or run ./flowstate demo")
            + ". To create one here: ./flowstate migrate");
  }

  /** One read of the library's read side, the same queries as Flowstate's query API. */
  interface Read<R> {
    R on(WorkflowReader reader, Connection connection);
  }

  /**
   * Runs {@code read} in a read-only transaction; with a {@code workflow}, first checks on the same
   * connection that it exists (an unknown id is an error, not an empty table).
   */
  <R> R reading(UUID workflow, Read<R> read) {
    Connection c = read();
    try {
      WorkflowReader reader = new WorkflowReader(Output.JSON, schema);
      if (workflow != null && !reader.exists(c, workflow)) {
        throw new CliException(
            "no workflow with id " + workflow + "; list them with: ./flowstate list");
      }
      return read.on(reader, c);
    } catch (StoreException e) {
      throw new CliException(e.getMessage(), e);
    } finally {
      close(c);
    }
  }

  /** A connection in a read-only transaction (PostgreSQL refuses writes in it). */
  Connection read() {
    if (isDefault()
        && !java.nio.file.Files.exists(
            java.nio.file.Path.of("flowstate-data", "flowstate.mv.db"))) {
      throw noDefaultDatabase(); // opening it would create an empty one
    }
    Connection c = open();
    try {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      DatabaseKind kind = DatabaseKind.of(c);
      if (kind == DatabaseKind.POSTGRESQL || kind.mysqlFamily()) {
        // the transaction the next statement begins refuses writes (the MySQL family's drivers
        // may leave setReadOnly to routing, not to the server)
        try (var s = c.createStatement()) {
          s.execute("SET TRANSACTION READ ONLY");
        }
      }
      requireSchema(c);
      requireKnownVersion(c);
      return c;
    } catch (SQLException e) {
      close(c);
      throw new CliException("cannot read " + masked() + ": " + e.getMessage(), e);
    } catch (CliException e) {
      close(c);
      throw e;
    }
  }

  /** A connection for writes (migrate). */
  Connection open() {
    try {
      Properties props = new Properties();
      if (user != null) {
        props.setProperty("user", user);
      }
      if (password != null) {
        props.setProperty("password", password);
      }
      Connection c = DriverManager.getConnection(url, props);
      try {
        return onSchema(c);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new CliException(
          "cannot connect to "
              + masked()
              + ": "
              + Columns.firstLine(e.getMessage())
              + "; check --db (or FLOWSTATE_DB_URL), --user and --password",
          e);
    }
  }

  private void requireSchema(Connection c) throws SQLException {
    try (ResultSet tables = tables(c, DatabaseKind.of(c).metadataName("fs_workflow"))) {
      if (!tables.next()) {
        if (isDefault()) {
          throw noDefaultDatabase();
        }
        throw new CliException(
            "the flowstate schema is missing in "
                + masked()
                + (schema == null ? "" : " (schema " + schema + ")")
                + "; create it with: ./flowstate migrate");
      }
    }
  }

  /**
   * Refuses a schema migrated by a newer flowstate, whose tables this one would misread. A schema
   * migrated inside an application's own Flyway has no {@code fs_schema_history}: nothing to check.
   */
  void requireKnownVersion(Connection c) throws SQLException {
    int version = schemaVersion(c);
    if (version > FlowstateMigrations.LATEST_VERSION) {
      throw new CliException(
          "the flowstate schema in "
              + masked()
              + " is at version "
              + version
              + ", newer than this flowstate knows ("
              + FlowstateMigrations.LATEST_VERSION
              + "): a newer flowstate migrated it; use that one (or a newer ./flowstate)");
    }
  }

  /**
   * The highest version Flyway applied to flowstate's schema on this connection, 0 when there is no
   * {@code fs_schema_history} (no schema yet, or one migrated by an application's own Flyway).
   */
  int schemaVersion(Connection c) throws SQLException {
    try (ResultSet tables = tables(c, FlowstateMigrations.HISTORY_TABLE)) {
      if (!tables.next()) {
        return 0;
      }
    }
    int version = 0;
    DatabaseKind kind = DatabaseKind.of(c);
    try (ResultSet r =
        c.createStatement()
            .executeQuery(
                // Flyway quotes its names: lower case on every database
                "SELECT "
                    + kind.quote("version")
                    + " FROM "
                    + kind.quote(FlowstateMigrations.HISTORY_TABLE)
                    + " WHERE "
                    + kind.quote("success")
                    + " AND "
                    + kind.quote("version")
                    + " IS NOT NULL")) {
      while (r.next()) {
        try {
          version = Math.max(version, Integer.parseInt(r.getString(1).split("\\.")[0]));
        } catch (NumberFormatException ignored) {
          // not one of flowstate's versions
        }
      }
    }
    return version;
  }

  /** A connection of {@code dataSource} on this database's schema. */
  Connection on(javax.sql.DataSource dataSource) throws SQLException {
    return onSchema(dataSource.getConnection());
  }

  /**
   * The connection on this database's schema; on the MySQL family in a UTC session too, as the
   * library reads and writes instants there (the session's zone would shift them).
   */
  private Connection onSchema(Connection c) throws SQLException {
    DatabaseKind kind = DatabaseKind.of(c);
    if (kind.mysqlFamily()) {
      try (var s = c.createStatement()) {
        s.execute("SET time_zone = '+00:00'");
      }
    }
    kind.useSchema(c, schema);
    return c;
  }

  /**
   * The tables named {@code name} in this database's schema, as its metadata names the schema (H2
   * folds unquoted names to upper case; the MySQL family's schema is the connection's catalog).
   */
  private ResultSet tables(Connection c, String name) throws SQLException {
    DatabaseKind kind = DatabaseKind.of(c);
    return kind.mysqlFamily()
        ? c.getMetaData().getTables(c.getCatalog(), null, name, null)
        : c.getMetaData()
            .getTables(null, schema == null ? null : kind.metadataName(schema), name, null);
  }

  String masked() {
    return DatabaseKind.masked(url);
  }

  static void close(Connection c) {
    try {
      c.rollback(); // a read commits nothing
    } catch (SQLException ignored) {
      // closing anyway
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing more to do
    }
  }

  /** The rows of one query in a read-only transaction, for the sql command. */
  List<Map<String, Object>> query(String sql) {
    Connection c = read();
    try (PreparedStatement s = c.prepareStatement(sql);
        ResultSet r = s.executeQuery()) {
      return Output.rows(r);
    } catch (SQLException e) {
      throw new CliException("the query failed: " + Columns.firstLine(e.getMessage()), e);
    } finally {
      close(c);
    }
  }
}
