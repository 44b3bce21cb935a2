package dev.flowstate.migrations;

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

  private static final ServerForTests SERVER =
      new ServerForTests(
          "PostgreSQL",
          URL_VARIABLE,
          REQUIRE_VARIABLE,
          "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
          () -> new PostgreSQLContainer("postgres:15-alpine"));

  private PostgresForTests() {}

  /**
   * @return the JDBC URL of the test PostgreSQL, user and password included
   */
  public static String jdbcUrl() {
    return SERVER.jdbcUrl();
  }
}
