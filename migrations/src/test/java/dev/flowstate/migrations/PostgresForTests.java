package dev.flowstate.migrations;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL of the tests of every module: {@code FLOWSTATE_TEST_JDBC_URL}, else a
 * Testcontainers container if Docker is available; without either the calling test is skipped with
 * the reason, unless {@code FLOWSTATE_REQUIRE_PG=1}, which makes a missing database a failure (CI
 * sets both).
 */
public final class PostgresForTests {
  static final String URL_VARIABLE = "FLOWSTATE_TEST_JDBC_URL";
  static final String REQUIRE_VARIABLE = "FLOWSTATE_REQUIRE_PG";

  private static PostgreSQLContainer container;

  private PostgresForTests() {}

  /**
   * @return the JDBC URL of the test PostgreSQL, user and password included
   */
  public static String jdbcUrl() {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      url = containerUrl();
    }
    if (url == null) {
      if ("1".equals(System.getenv(REQUIRE_VARIABLE))) {
        fail(
            REQUIRE_VARIABLE
                + "=1 but "
                + URL_VARIABLE
                + " is not set and Docker is not available:"
                + " PostgreSQL is required");
      }
      Assumptions.abort(
          "PostgreSQL tests skipped: set "
              + URL_VARIABLE
              + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres) or make Docker available");
    }
    return url;
  }

  /** Started once per test JVM; Ryuk removes the container when the JVM ends. */
  private static synchronized String containerUrl() {
    if (container == null) {
      try {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
          return null;
        }
      } catch (RuntimeException | LinkageError noDocker) {
        return null;
      }
      container = new PostgreSQLContainer("postgres:15-alpine");
      container.start();
    }
    String url = container.getJdbcUrl();
    return url
        + (url.contains("?") ? "&" : "?")
        + "user="
        + container.getUsername()
        + "&password="
        + container.getPassword();
  }
}
