package dev.flowstate.db;

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
 * available (required when {@code FLOWSTATE_REQUIRE_PG=1}).
 */
record TestDatabase(DataSource dataSource, String jdbcUrl, String schema) {

  static TestDatabase h2(Path folder) {
    String url =
        "jdbc:h2:file:"
            + folder.resolve("flowstate").toAbsolutePath()
            + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1";
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    return new TestDatabase(ds, url, null);
  }

  static TestDatabase postgres() {
    String url = PostgresForTests.jdbcUrl();
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    return new TestDatabase(ds, url, "fs_db_" + Long.toHexString(System.nanoTime()));
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
    if (schema != null) {
      c.setSchema(schema);
    }
    return c;
  }

  /** A JSON literal in this database's SQL. */
  String jsonLiteral(String json) {
    return schema != null ? "'" + json + "'::jsonb" : "JSON '" + json + "'";
  }

  void drop() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          schema != null ? "DROP SCHEMA IF EXISTS " + schema + " CASCADE" : "DROP ALL OBJECTS");
    }
  }
}
