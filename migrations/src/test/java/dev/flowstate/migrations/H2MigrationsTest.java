package dev.flowstate.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class H2MigrationsTest extends MigrationsContract {

  @Override
  DataSource database() {
    return TestDatabases.h2("migrations_" + Long.toHexString(System.nanoTime()));
  }

  @Override
  String schemaFor(String testName) {
    return null;
  }

  @Override
  String json(String text) {
    return "JSON '" + text + "'";
  }

  @Override
  void dropSchema() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP ALL OBJECTS");
    }
  }

  @Test
  void jsonColumns_areH2JsonType() throws SQLException {
    try (Connection c = connect();
        var r =
            c.createStatement()
                .executeQuery(
                    "SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                        + " WHERE TABLE_NAME = 'FS_WORKFLOW' AND COLUMN_NAME = 'CALLBACK_POS'")) {
      r.next();
      assertThat(r.getString(1)).isEqualTo("JSON");
    }
  }

  @Test
  void unreachableDatabase_failsWithAMessageSayingWhatToCheck() {
    JdbcDataSource nowhere = new JdbcDataSource();
    nowhere.setURL("jdbc:h2:tcp://127.0.0.1:1/nowhere");

    assertThatThrownBy(() -> FlowstateMigrations.migrate(nowhere))
        .isInstanceOf(MigrationException.class)
        .hasMessageStartingWith(
            "could not connect to the database to migrate the flowstate schema: ")
        .hasMessageEndingWith(
            "; check the JDBC URL, user and password, and that the server is running");
  }

  @Test
  void nullDataSource_isRefused() {
    assertThatThrownBy(() -> FlowstateMigrations.migrate(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSource must not be null");
  }

  /** From a JDBC URL, through connections of its own that are all closed when it is done. */
  @Test
  void migrateByJdbcUrl_appliesEveryMigration_andLeavesNoConnectionOpen(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path folder) throws SQLException {
    String url = "jdbc:h2:file:" + folder.resolve("by-url").toAbsolutePath();

    assertThat(FlowstateMigrations.migrate(url, "sa", "", "app"))
        .isEqualTo(FlowstateMigrations.LATEST_VERSION);
    assertThat(FlowstateMigrations.migrate(url, "sa", "", "app")).isZero();

    try (Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
        var r =
            c.createStatement()
                .executeQuery(
                    "SELECT (SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS),"
                        + " (SELECT COUNT(*) FROM \"app\".fs_workflow)")) {
      r.next();
      assertThat(r.getInt(1)).as("sessions").isOne();
      assertThat(r.getInt(2)).as("workflows").isZero();
    }
  }

  @Test
  void migrateByJdbcUrl_refusesANullUrl_andNamesAUrlNoDriverTakes() {
    assertThatThrownBy(() -> FlowstateMigrations.migrate(null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jdbcUrl must not be null");
    assertThatThrownBy(() -> FlowstateMigrations.migrate("jdbc:nosuch:db", null, null, null))
        .isInstanceOf(MigrationException.class)
        .hasMessageStartingWith("could not migrate the flowstate schema: ")
        .hasMessageEndingWith("; check the JDBC URL");
  }

  /** Issue 8, defect 12: MigrationException stood outside flowstate's one exception root. */
  @Test
  void migrationException_isAFlowstateException() {
    assertThat(dev.flowstate.engine.FlowstateException.class)
        .isAssignableFrom(MigrationException.class);
  }
}
