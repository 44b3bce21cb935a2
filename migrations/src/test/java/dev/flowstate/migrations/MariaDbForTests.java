package dev.flowstate.migrations;

import org.testcontainers.mariadb.MariaDBContainer;

/**
 * The MariaDB of the tests of every module: {@code FLOWSTATE_TEST_MARIADB_URL}, else a
 * Testcontainers container if Docker is available; without either the calling test is skipped with
 * the reason, unless {@code FLOWSTATE_REQUIRE_MARIADB=1}, which makes a missing database a failure
 * (CI sets both, as for PostgreSQL).
 */
public final class MariaDbForTests {
  static final String URL_VARIABLE = "FLOWSTATE_TEST_MARIADB_URL";
  static final String REQUIRE_VARIABLE = "FLOWSTATE_REQUIRE_MARIADB";

  private static final ServerForTests SERVER =
      new ServerForTests(
          "MariaDB",
          URL_VARIABLE,
          REQUIRE_VARIABLE,
          "jdbc:mariadb://127.0.0.1:3306/test?user=root",
          () -> new MariaDBContainer("mariadb:10.6"));

  private MariaDbForTests() {}

  /**
   * @return the JDBC URL of the test MariaDB's database, user and password included
   */
  public static String jdbcUrl() {
    return SERVER.jdbcUrl();
  }
}
