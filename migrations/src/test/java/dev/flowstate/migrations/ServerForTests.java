package dev.flowstate.migrations;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;

/**
 * A database server of the tests: the URL an environment variable names, else a Testcontainers
 * container if Docker is available; without either the calling test is skipped with the reason,
 * unless the family's require variable is {@code 1}, which makes a missing database a failure.
 */
final class ServerForTests {
  private final String product;
  private final String urlVariable;
  private final String requireVariable;
  private final String exampleUrl;
  private final Supplier<JdbcDatabaseContainer<?>> containers;
  private JdbcDatabaseContainer<?> container;

  ServerForTests(
      String product,
      String urlVariable,
      String requireVariable,
      String exampleUrl,
      Supplier<JdbcDatabaseContainer<?>> containers) {
    this.product = product;
    this.urlVariable = urlVariable;
    this.requireVariable = requireVariable;
    this.exampleUrl = exampleUrl;
    this.containers = containers;
  }

  /**
   * @return the JDBC URL of the server's test database, user and password included
   */
  String jdbcUrl() {
    String url = System.getenv(urlVariable);
    if (url == null || url.isBlank()) {
      url = containerUrl();
    }
    if (url == null) {
      if ("1".equals(System.getenv(requireVariable))) {
        fail(
            requireVariable
                + "=1 but "
                + urlVariable
                + " is not set and Docker is not available: "
                + product
                + " is required");
      }
      Assumptions.abort(
          product
              + " tests skipped: set "
              + urlVariable
              + " (e.g. "
              + exampleUrl
              + ") or make Docker available");
    }
    return url;
  }

  /** Started once per test JVM; Ryuk removes the container when the JVM ends. */
  private synchronized String containerUrl() {
    if (container == null) {
      try {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
          return null;
        }
      } catch (RuntimeException | LinkageError noDocker) {
        return null;
      }
      container = containers.get();
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
