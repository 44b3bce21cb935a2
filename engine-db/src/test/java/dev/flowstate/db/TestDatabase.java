package dev.flowstate.db;

import dev.flowstate.migrations.DatabaseKind;
import dev.flowstate.migrations.MariaDbForTests;
import dev.flowstate.migrations.PostgresForTests;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database for one test: an H2 file in a temporary folder, or a fresh schema of the PostgreSQL
 * named by {@code FLOWSTATE_TEST_JDBC_URL}, else of a Testcontainers PostgreSQL if Docker is
 * available (required when {@code FLOWSTATE_REQUIRE_PG=1}), or a fresh database of the MariaDB
 * named by {@code FLOWSTATE_TEST_MARIADB_URL} (likewise).
 */
record TestDatabase(DataSource dataSource, String jdbcUrl, String schema, DatabaseKind kind) {

  static TestDatabase h2(Path folder) {
    String url =
        "jdbc:h2:file:"
            + folder.resolve("flowstate").toAbsolutePath()
            + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1";
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    return new TestDatabase(ds, url, null, DatabaseKind.H2);
  }

  static TestDatabase postgres() {
    String url = PostgresForTests.jdbcUrl();
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    return new TestDatabase(
        ds, url, "fs_db_" + Long.toHexString(System.nanoTime()), DatabaseKind.POSTGRESQL);
  }

  static TestDatabase mariadb() {
    String url = MariaDbForTests.jdbcUrl();
    try {
      org.mariadb.jdbc.MariaDbDataSource ds = new org.mariadb.jdbc.MariaDbDataSource(url);
      return new TestDatabase(
          ds, url, "fs_db_" + Long.toHexString(System.nanoTime()), DatabaseKind.MARIADB);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The MariaDB of {@link #mariadb()} through MySQL's own driver (Connector/J): what a MySQL user's
   * service runs, short of a MySQL server, which these machines do not have. flowstate tells the
   * server by its version, so the kind is still MariaDB; the driver's behaviour (affected rows,
   * time and JSON binding, batches) is MySQL's.
   */
  static TestDatabase mariadbThroughMySqlDriver() {
    String url = MariaDbForTests.jdbcUrl().replace("jdbc:mariadb:", "jdbc:mysql:");
    com.mysql.cj.jdbc.MysqlDataSource ds = new com.mysql.cj.jdbc.MysqlDataSource();
    ds.setURL(url);
    return new TestDatabase(
        ds, url, "fs_db_" + Long.toHexString(System.nanoTime()), DatabaseKind.MARIADB);
  }

  FlowstateBuilder flowstate() {
    return Flowstate.builder().dataSource(dataSource).schema(schema);
  }

  /** {@link #flowstate()} through a connection pool of the builder's own, as services run it. */
  FlowstateBuilder pooledFlowstate() {
    return Flowstate.builder().jdbcUrl(jdbcUrl).schema(schema);
  }

  Connection connect() throws SQLException {
    Connection c = dataSource.getConnection();
    if (kind == DatabaseKind.MARIADB) {
      c.setCatalog(schema); // the family's schema is a database
    } else if (schema != null) {
      c.setSchema(schema);
    }
    return c;
  }

  /** A JSON literal in this database's SQL. */
  String jsonLiteral(String json) {
    return switch (kind) {
      case POSTGRESQL -> "'" + json + "'::jsonb";
      case H2 -> "JSON '" + json + "'";
      default -> "'" + json + "'";
    };
  }

  /** An instant in this database's SQL, whatever the session's time zone. */
  String timestamp(java.time.Instant instant) {
    String utc = instant.toString().replace("T", " ").replace("Z", "");
    return kind == DatabaseKind.MARIADB
        ? "CONVERT_TZ('" + utc + "', '+00:00', @@session.time_zone)"
        : "TIMESTAMP WITH TIME ZONE '" + utc + "+00:00'";
  }

  void drop() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          switch (kind) {
            case H2 -> "DROP ALL OBJECTS";
            case MARIADB -> "DROP DATABASE IF EXISTS " + schema;
            default -> "DROP SCHEMA IF EXISTS " + schema + " CASCADE";
          });
    }
  }
}
