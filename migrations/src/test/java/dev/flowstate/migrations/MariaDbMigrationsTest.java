package dev.flowstate.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The MySQL family's migrations on MariaDB, in a database of its own per test (the family's
 * schema), dropped afterwards.
 */
class MariaDbMigrationsTest extends MigrationsContract {

  @Override
  DataSource database() {
    return TestDatabases.mariadb();
  }

  @Override
  String schemaFor(String testName) {
    return testName;
  }

  @Override
  String json(String text) {
    return "'" + text + "'";
  }

  @Override
  int versionsOfANewSchema() {
    // the family joined at version 9 with the whole schema
    return FlowstateMigrations.LATEST_VERSION - 8;
  }

  @Override
  String q(String identifier) {
    return "`" + identifier + "`";
  }

  @Override
  String timestamp(String utc) {
    return "CONVERT_TZ('" + utc + "', '+00:00', @@session.time_zone)";
  }

  @Override
  Connection connect() throws SQLException {
    Connection connection = dataSource.getConnection();
    connection.setCatalog(schema);
    return connection;
  }

  @Override
  void drop(String name) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + q(name));
    }
  }

  @Override
  void dropSchema() throws SQLException {
    if (dataSource != null && schema != null) {
      drop(schema);
    }
  }

  @Test
  void theFamilyStartsAtVersionNine_withTheViewsOfEveryFamily() throws SQLException {
    assertThat(
            rows(
                "SELECT "
                    + q("version")
                    + ", "
                    + q("script")
                    + " FROM "
                    + q("fs_schema_history")
                    + " WHERE "
                    + q("type")
                    + " = 'SQL' ORDER BY "
                    + q("installed_rank")))
        .containsExactly(
            "9 | V9__schema.sql", "10 | V10__operator_actions.sql", "null | R__status_views.sql");
  }

  /** Text compares as on PostgreSQL: byte for byte, whatever the server's default collation. */
  @Test
  void definitionNames_differingInCaseOnly_areTwoDefinitions() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String name : new String[] {"orders", "Orders"}) {
        s.executeUpdate(
            "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status,"
                + " token_pos, callback_pos, version) VALUES (UUID(), '"
                + name
                + "', 'f', 'NEW', -1, '[0]', 0)");
      }
    }
    assertThat(rows("SELECT COUNT(*) FROM fs_workflow WHERE definition_name = 'orders'"))
        .containsExactly("1");
  }

  @Test
  void jsonColumns_refuseTextThatIsNotJson() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> {
              try (Connection c = connect();
                  Statement s = c.createStatement()) {
                s.executeUpdate(
                    "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status,"
                        + " token_pos, callback_pos, version) VALUES (UUID(), 'x', 'f', 'NEW', -1,"
                        + " '[0', 0)");
              }
            })
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("callback_pos");
  }

  @Test
  void applicationsOwnFlyway_canRunOurLocationsWithOurPlaceholders() throws SQLException {
    String own = schema + "_app";
    try {
      int applied =
          Flyway.configure()
              .dataSource(dataSource)
              .schemas(own)
              .createSchemas(true)
              .locations(FlowstateMigrations.locations(DatabaseKind.MARIADB))
              .placeholders(FlowstateMigrations.placeholders(DatabaseKind.MARIADB))
              .load()
              .migrate()
              .migrationsExecuted;
      // the family's versions, and the status views' repeatable migration
      assertThat(applied).isEqualTo(versionsOfANewSchema() + 1);
    } finally {
      drop(own);
    }
  }
}
