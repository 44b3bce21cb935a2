package dev.flowstate.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** Runs in a schema of its own per test, dropped afterwards. */
class PostgresMigrationsTest extends MigrationsContract {

  @Override
  DataSource database() {
    return TestDatabases.postgres();
  }

  @Override
  String schemaFor(String testName) {
    return testName;
  }

  @Override
  String json(String text) {
    return "'" + text + "'::jsonb";
  }

  @Override
  void dropSchema() throws SQLException {
    if (dataSource == null) {
      return;
    }
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void jsonColumns_areJsonb() throws SQLException {
    try (Connection c = connect();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT data_type FROM information_schema.columns WHERE table_schema = ?"
                    + " AND table_name = 'fs_object' AND column_name = 'data'")) {
      p.setString(1, schema);
      try (ResultSet r = p.executeQuery()) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("jsonb");
      }
    }
  }

  @Test
  void applicationsOwnFlyway_canRunOurLocationWithOurPlaceholders() throws SQLException {
    String own = schema + "_app";
    try {
      int applied =
          Flyway.configure()
              .dataSource(dataSource)
              .schemas(own)
              .createSchemas(true)
              .locations(FlowstateMigrations.LOCATION)
              .placeholders(FlowstateMigrations.placeholders(dataSource))
              .load()
              .migrate()
              .migrationsExecuted;
      assertThat(applied).isEqualTo(FlowstateMigrations.LATEST_VERSION);
    } finally {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + own + " CASCADE");
      }
    }
  }
}
