package dev.flowstate.migrations;

import static org.junit.jupiter.api.Assertions.fail;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The databases tests run on. PostgreSQL comes from {@code FLOWSTATE_TEST_JDBC_URL}, else from a
 * Testcontainers container if Docker is available; without either the PostgreSQL tests are
 * skipped with the reason, unless {@code FLOWSTATE_REQUIRE_PG=1}, which makes a missing database
 * a failure (CI sets both).
 */
final class TestDatabases {
  static final String URL_VARIABLE = "FLOWSTATE_TEST_JDBC_URL";
  static final String REQUIRE_VARIABLE = "FLOWSTATE_REQUIRE_PG";

  private static org.testcontainers.postgresql.PostgreSQLContainer container;

  private TestDatabases() {}

  static DataSource h2(String name) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return dataSource;
  }

  static DataSource postgres() {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      url = containerUrl();
    }
    if (url == null) {
      if ("1".equals(System.getenv(REQUIRE_VARIABLE))) {
        fail(REQUIRE_VARIABLE + "=1 but " + URL_VARIABLE + " is not set and Docker is not available:"
            + " PostgreSQL is required");
      }
      Assumptions.abort(
          "PostgreSQL tests skipped: set " + URL_VARIABLE
              + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres) or make Docker available");
    }
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url);
    return dataSource;
  }

  /**
   * A PostgreSQL in a Testcontainers container, started once per test JVM, when Docker is
   * available; null otherwise. Ryuk removes the container when the JVM ends.
   */
  private static synchronized String containerUrl() {
    if (container == null) {
      try {
        if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
          return null;
        }
      } catch (RuntimeException | LinkageError noDocker) {
        return null;
      }
      container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:15-alpine");
      container.start();
    }
    String url = container.getJdbcUrl();
    return url + (url.contains("?") ? "&" : "?") + "user=" + container.getUsername()
        + "&password=" + container.getPassword();
  }
}
