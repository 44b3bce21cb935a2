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

  /**
   * V8 and V9: run-time updates can be HOT (room in each page; the object status index gone) and
   * the workflow indexes hold only the rows their queries look for, so an ended workflow
   * (COMPLETED, no owner, nothing due) is in none of them; the claim still finds RUNNING and due
   * rows by index. V10's index on the creation time (the dashboard's paging) holds every row: it is
   * written once, at the insert, as created_at never changes.
   */
  @Test
  void workflowIndexes_arePartial_andTablesLeaveRoomForHotUpdates() throws SQLException {
    try (Connection c = connect();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ?"
                    + " AND tablename = 'fs_workflow' AND indexname <> 'fs_workflow_pk'"
                    + " ORDER BY indexname")) {
      p.setString(1, schema);
      java.util.List<String> indexes = new java.util.ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String def = r.getString(2);
          indexes.add(r.getString(1) + " " + def.substring(def.indexOf(" USING ") + 7));
        }
      }
      assertThat(indexes)
          .containsExactly(
              "fs_workflow_created_ix btree (created_at, id)",
              "fs_workflow_due_ix btree (resume_at) WHERE (resume_at IS NOT NULL)",
              "fs_workflow_owner_ix btree (owner) WHERE (owner IS NOT NULL)",
              "fs_workflow_problem_ix btree (created_at, id) WHERE ((halt_message IS NOT NULL)"
                  + " OR (last_error IS NOT NULL))",
              "fs_workflow_status_ix btree (status) WHERE ((status)::text <> 'COMPLETED'::text)");
    }
    try (Connection c = connect();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT c.relname, array_to_string(c.reloptions, ',') FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?"
                    + " AND c.relname IN ('fs_workflow', 'fs_object') ORDER BY c.relname")) {
      p.setString(1, schema);
      java.util.List<String> options = new java.util.ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          options.add(r.getString(1) + " " + r.getString(2));
        }
      }
      assertThat(options).containsExactly("fs_object fillfactor=80", "fs_workflow fillfactor=80");
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
      // every version, and the status views' repeatable migration
      assertThat(applied).isEqualTo(FlowstateMigrations.LATEST_VERSION + 1);
    } finally {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + own + " CASCADE");
      }
    }
  }
}
