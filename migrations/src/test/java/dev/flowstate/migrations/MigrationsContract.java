package dev.flowstate.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the migrations must do on every database; one subclass per database. */
abstract class MigrationsContract {

  protected DataSource dataSource;
  protected String schema;

  /** A fresh database or schema for one test. */
  abstract DataSource database();

  /** The schema to migrate into, or null for the default. */
  abstract String schemaFor(String testName);

  /** SQL for a JSON value from its text. */
  abstract String json(String text);

  abstract void dropSchema() throws SQLException;

  /** An identifier quoted, so that its case is kept (Flyway's history table quotes its names). */
  String q(String identifier) {
    return "\"" + identifier + "\"";
  }

  /** SQL for an instant from its UTC date and time ({@code yyyy-MM-dd HH:mm:ss}). */
  String timestamp(String utc) {
    return "TIMESTAMP WITH TIME ZONE '" + utc + "+00'";
  }

  /** Drops a schema a test made, with everything in it. */
  void drop(String name) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + q(name) + " CASCADE");
    }
  }

  @BeforeEach
  void migrate() {
    dataSource = database();
    schema = schemaFor("fs_test_" + Long.toHexString(System.nanoTime()));
    assertThat(FlowstateMigrations.migrate(dataSource, schema)).isEqualTo(versionsOfANewSchema());
  }

  /**
   * How many versions a new schema is migrated through: every one, unless the family joined late.
   */
  int versionsOfANewSchema() {
    return FlowstateMigrations.LATEST_VERSION;
  }

  @AfterEach
  void cleanUp() throws SQLException {
    dropSchema();
  }

  Connection connect() throws SQLException {
    Connection connection = dataSource.getConnection();
    if (schema != null) {
      connection.setSchema(schema);
    }
    return connection;
  }

  @Test
  void freeTextColumns_haveTheLengthsTheCodeCutsTo() throws SQLException {
    assertThat(length("fs_workflow", "definition_name")).isEqualTo(Columns.DEFINITION_NAME);
    assertThat(length("fs_workflow", "halt_message")).isEqualTo(Columns.HALT_MESSAGE);
    assertThat(length("fs_workflow", "halt_action")).isEqualTo(Columns.HALT_ACTION);
    assertThat(length("fs_workflow", "last_error")).isEqualTo(Columns.LAST_ERROR);
    assertThat(length("fs_object", "error_text")).isEqualTo(Columns.ERROR_TEXT);
    assertThat(length("fs_object_run", "message")).isEqualTo(Columns.RUN_MESSAGE);
    assertThat(length("fs_workflow", "stalled_task")).isEqualTo(Columns.STALLED_TASK);
  }

  private int length(String table, String column) throws SQLException {
    try (Connection c = connect()) {
      String catalogSchema = schema != null ? schema : c.getSchema();
      for (String t : List.of(table, table.toUpperCase())) {
        try (ResultSet r = c.getMetaData().getColumns(c.getCatalog(), catalogSchema, t, null)) {
          while (r.next()) {
            if (r.getString("COLUMN_NAME").equalsIgnoreCase(column)) {
              return r.getInt("COLUMN_SIZE");
            }
          }
        }
      }
    }
    throw new AssertionError("no column " + table + "." + column);
  }

  @Test
  void cut_endsATextLongerThanItsColumnWithAnEllipsis() {
    assertThat(Columns.cut("abcdef", 6)).isEqualTo("abcdef");
    assertThat(Columns.cut("abcdefg", 6)).isEqualTo("abc...");
    assertThat(Columns.cut(null, 6)).isNull();
  }

  @Test
  void workflowStatusView_showsAnExpiredLeaseAsInterrupted_aMarkedLiveRunAsStalled_withItsOwner()
      throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String[] row :
          new String[][] {
            {"live", "CURRENT_TIMESTAMP + INTERVAL '1' HOUR", "NULL", "NULL"},
            {"dead", "CURRENT_TIMESTAMP - INTERVAL '1' MINUTE", "NULL", "NULL"},
            {"stalled", "CURRENT_TIMESTAMP + INTERVAL '1' HOUR", "CURRENT_TIMESTAMP", "'charge'"},
            {"stalled+dead", "CURRENT_TIMESTAMP - INTERVAL '1' MINUTE", "CURRENT_TIMESTAMP", "'x'"}
          }) {
        s.executeUpdate(
            "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status,"
                + " token_pos, callback_pos, owner, lease_until, stalled_since, stalled_task,"
                + " version, created_at, modified_at)"
                + " VALUES ('"
                + UUID.randomUUID()
                + "', '"
                + row[0]
                + "', 'abc', 'RUNNING', 0, "
                + json("[0]")
                + ", 'host:1:"
                + row[0]
                + "', "
                + row[1]
                + ", "
                + row[2]
                + ", "
                + row[3]
                + ", 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
      }
    }
    assertThat(
            rows(
                "SELECT definition_name, status, status_label, owner, stalled_task"
                    + " FROM fs_workflow_status ORDER BY definition_name"))
        .containsExactly(
            "dead | RUNNING | Interrupted | host:1:dead | null",
            "live | RUNNING | Running | host:1:live | null",
            "stalled | RUNNING | Stalled | host:1:stalled | charge",
            "stalled+dead | RUNNING | Interrupted | host:1:stalled+dead | x");
  }

  @Test
  void workerStatusView_showsEachPoolsLabel_whatItHoldsUnderALiveLease_andItsCounts()
      throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      String[][] pools = {
        {"h:1:a#workers-1", "CURRENT_TIMESTAMP + INTERVAL '1' MINUTE", "NULL"},
        {"h:2:b#workers-2", "CURRENT_TIMESTAMP - INTERVAL '1' MINUTE", "NULL"},
        {"h:3:c#workers-3", "NULL", "CURRENT_TIMESTAMP"}
      };
      for (String[] pool : pools) {
        s.executeUpdate(
            "INSERT INTO fs_worker (name, host, pid, threads, started_at, seen_at, alive_until,"
                + " stopped_at, claimed, completed, halted, failed, released) VALUES ('"
                + pool[0]
                + "', 'h', 1, 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                + pool[1]
                + ", "
                + pool[2]
                + ", 7, 3, 2, 1, 1)");
      }
      // the first pool holds two workflows under live leases; the third's lease has run out
      String[][] held = {
        {pools[0][0], "CURRENT_TIMESTAMP + INTERVAL '1' MINUTE"},
        {pools[0][0], "CURRENT_TIMESTAMP + INTERVAL '1' MINUTE"},
        {pools[1][0], "CURRENT_TIMESTAMP - INTERVAL '1' MINUTE"}
      };
      for (String[] row : held) {
        s.executeUpdate(
            "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status,"
                + " token_pos, callback_pos, owner, lease_until, ended_by, version, created_at,"
                + " modified_at) VALUES ('"
                + UUID.randomUUID()
                + "', 'd', 'abc', 'RUNNING', 0, "
                + json("[0]")
                + ", '"
                + row[0]
                + "', "
                + row[1]
                + ", NULL, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
      }
    }
    assertThat(
            rows(
                "SELECT worker, status_label, holding, claimed, completed, halted, failed, released"
                    + " FROM fs_worker_status ORDER BY worker"))
        .containsExactly(
            "h:1:a#workers-1 | Running | 2 | 7 | 3 | 2 | 1 | 1",
            "h:2:b#workers-2 | Gone | 0 | 7 | 3 | 2 | 1 | 1",
            "h:3:c#workers-3 | Stopped | 0 | 7 | 3 | 2 | 1 | 1");
  }

  @Test
  void endedBy_acceptsRetry_andTheWorkflowViewShowsWhenItIsDue() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status,"
              + " token_pos, callback_pos, ended_by, resume_at, version, created_at, modified_at)"
              + " VALUES ('"
              + UUID.randomUUID()
              + "', 'pay', 'abc', 'HALTED', 0, "
              + json("[1]")
              + ", 'RETRY', "
              + timestamp("2030-01-02 03:04:05")
              + ", 0,"
              + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
    }
    assertThat(
            rows(
                "SELECT status_label, ended_by, EXTRACT(YEAR FROM resume_at) FROM"
                    + " fs_workflow_status"))
        .containsExactly("Halted | RETRY | 2030");
  }

  @Test
  void latestVersion_isTheHighestMigrationOnTheClasspath() throws Exception {
    java.net.URL folder =
        FlowstateMigrations.class.getResource(
            "/" + FlowstateMigrations.LOCATION.substring("classpath:".length()));
    int highest;
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of(folder.toURI()))) {
      highest =
          files
              .map(f -> f.getFileName().toString())
              .filter(name -> name.matches("V\\d+__.*\\.sql"))
              .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
              .max()
              .orElseThrow();
    }

    assertThat(FlowstateMigrations.LATEST_VERSION).isEqualTo(highest);
  }

  /**
   * The status views have one definition, a repeatable migration run after the versions: applied
   * once with them, not again while its text is unchanged, and no version after V7 writes a view.
   */
  @Test
  void statusViews_areDefinedOnce_inTheRepeatableMigration() throws Exception {
    assertThat(
            rows(
                "SELECT "
                    + q("script")
                    + " FROM "
                    + q("fs_schema_history")
                    + " WHERE "
                    + q("version")
                    + " IS NULL AND"
                    + " "
                    + q("type")
                    + " = 'SQL' AND "
                    + q("success")))
        .singleElement()
        .satisfies(script -> assertThat(script).endsWith("R__status_views.sql"));
    assertThat(FlowstateMigrations.migrate(dataSource, schema)).isZero();
    assertThat(
            rows(
                "SELECT COUNT(*) FROM "
                    + q("fs_schema_history")
                    + " WHERE "
                    + q("version")
                    + " IS NULL AND"
                    + " "
                    + q("type")
                    + " = 'SQL'"))
        .containsExactly("1");
    assertThat(rows("SELECT COUNT(*) FROM fs_workflow_status")).containsExactly("0");
    assertThat(rows("SELECT COUNT(*) FROM fs_object_status")).containsExactly("0");
    assertThat(rows("SELECT COUNT(*) FROM fs_worker_status")).containsExactly("0");

    java.net.URL folder =
        FlowstateMigrations.class.getResource(
            "/" + FlowstateMigrations.LOCATION.substring("classpath:".length()));
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of(folder.toURI()))) {
      assertThat(
              files
                  .filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                  .filter(
                      f ->
                          Integer.parseInt(f.getFileName().toString().split("__")[0].substring(1))
                              > 7)
                  .filter(f -> read(f).toUpperCase(java.util.Locale.ROOT).contains("CREATE VIEW")))
          .as("versions after V7 that define a view")
          .isEmpty();
    }
  }

  /**
   * The views' file moved into a folder of its own when a second family came to share it: a schema
   * whose history names it where it was before is still valid, and nothing is applied again.
   */
  @Test
  void aSchemaMigratedBeforeTheViewsMovedToTheirFolder_isUpToDate() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE "
              + q("fs_schema_history")
              + " SET "
              + q("script")
              + " = 'R__status_views.sql' WHERE "
              + q("version")
              + " IS NULL");
    }

    assertThat(FlowstateMigrations.migrate(dataSource, schema)).isZero();
    assertThat(
            rows(
                "SELECT COUNT(*) FROM "
                    + q("fs_schema_history")
                    + " WHERE "
                    + q("version")
                    + " IS NULL AND "
                    + q("type")
                    + " = 'SQL'"))
        .containsExactly("1");
  }

  private static String read(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A Flyway with its default location (as Spring Boot's runs when flyway-core is on the classpath)
   * finds none of flowstate's migrations: an application's own Flyway neither clashes with their
   * versions nor runs them without their placeholders.
   */
  @Test
  void flywayWithItsDefaultLocation_findsNoneOfFlowstatesMigrations() {
    assertThat(org.flywaydb.core.Flyway.configure().dataSource(dataSource).load().info().all())
        .isEmpty();
  }

  /**
   * A schema the application already uses is shared: flowstate's migrations apply beside the
   * application's tables, which they leave alone, with flowstate's own history table.
   */
  @Test
  void schemaTheApplicationAlreadyUses_isShared_leavingItsTablesAlone() throws SQLException {
    String shared = "fs_shared_" + Long.toHexString(System.nanoTime());
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + q(shared));
      s.execute("CREATE TABLE " + q(shared) + ".app_orders (id INT PRIMARY KEY)");
      s.execute("INSERT INTO " + q(shared) + ".app_orders VALUES (1)");
    }
    try {
      assertThat(FlowstateMigrations.migrate(dataSource, shared)).isEqualTo(versionsOfANewSchema());
      assertThat(FlowstateMigrations.migrate(dataSource, shared)).isZero();
      assertThat(rows("SELECT COUNT(*) FROM " + q(shared) + ".app_orders")).containsExactly("1");
      assertThat(rows("SELECT COUNT(*) FROM " + q(shared) + ".fs_workflow")).containsExactly("0");
    } finally {
      drop(shared);
    }
  }

  /**
   * A schema whose recorded migrations differ from this flowstate's is refused with a hint that
   * says so, not one about reachability or rights.
   */
  @Test
  void appliedMigrationChangedSinceItRan_isRefusedNamingTheMismatch() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      // Flyway quotes its table's names: lowercase on H2 too
      s.executeUpdate(
          "UPDATE "
              + q("fs_schema_history")
              + " SET "
              + q("checksum")
              + " = 12345 WHERE "
              + q("version")
              + " IS NOT NULL");
    }

    assertThatThrownBy(() -> FlowstateMigrations.migrate(dataSource, schema))
        .isInstanceOf(MigrationException.class)
        .hasMessageStartingWith(
            "the flowstate schema"
                + (schema == null ? "" : " in schema " + schema)
                + " was migrated with other migrations than this flowstate's: ")
        .hasMessageContaining("checksum mismatch")
        .hasMessageEndingWith(
            "; a migration in fs_schema_history was edited, or another build of flowstate"
                + " migrated it. Use the flowstate that migrated it, or, if the schema is right,"
                + " run Flyway's repair on history table fs_schema_history");
  }

  @Test
  void migrate_again_appliesNothing() {
    assertThat(FlowstateMigrations.migrate(dataSource, schema)).isZero();
  }

  @Test
  void statusViews_showStatusesByNameAndLabel() throws SQLException {
    UUID workflow = UUID.randomUUID();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status, token_pos,"
              + " callback_pos, halt_message, halt_action, version, created_at, modified_at)"
              + " VALUES ('"
              + workflow
              + "', 'orders', 'abc', 'HALTED', 1, "
              + json("[1, 0]")
              + ", 'needs approval', 'approve', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
      s.executeUpdate(
          "INSERT INTO fs_object (id, workflow_id, pos, status, data, version, created_at,"
              + " modified_at) VALUES (1, '"
              + workflow
              + "', 0, 'COMPLETED', "
              + json("{\"n\": 1}")
              + ", 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
      s.executeUpdate(
          "INSERT INTO fs_object (id, workflow_id, pos, status, callback_pos, version, created_at,"
              + " modified_at) VALUES (2, '"
              + workflow
              + "', 1, 'HALTED', "
              + json("[1, 0]")
              + ", 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");

      List<String> rows = new ArrayList<>();
      try (ResultSet r =
          s.executeQuery(
              "SELECT position, status, status_label, halt_message FROM fs_object_status"
                  + " WHERE workflow_id = '"
                  + workflow
                  + "' ORDER BY position")) {
        while (r.next()) {
          rows.add(
              r.getInt(1) + " " + r.getString(2) + " " + r.getString(3) + " " + r.getString(4));
        }
      }
      assertThat(rows)
          .containsExactly("0 COMPLETED Done null", "1 HALTED Need action needs approval");

      try (ResultSet r =
          s.executeQuery(
              "SELECT status, status_label, objects, objects_completed, objects_stuck"
                  + " FROM fs_workflow_status WHERE workflow_id = '"
                  + workflow
                  + "'")) {
        assertThat(r.next()).isTrue();
        assertThat(
                r.getString(1)
                    + " "
                    + r.getString(2)
                    + " "
                    + r.getInt(3)
                    + " "
                    + r.getInt(4)
                    + " "
                    + r.getInt(5))
            .isEqualTo("HALTED Halted 2 1 1");
      }
    }
  }

  @Test
  void unknownStatus_isRejectedByTheDatabase() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status,"
                          + " token_pos, callback_pos, version, created_at, modified_at) VALUES ('"
                          + UUID.randomUUID()
                          + "', 'x', 'f', 'LOST', -1, "
                          + json("[0]")
                          + ", 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("fs_workflow_status_ck"));
    }
  }

  @Test
  void deletingAWorkflow_deletesItsObjectsRunsAndActions() throws SQLException {
    UUID workflow = UUID.randomUUID();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status, token_pos,"
              + " callback_pos, version, created_at, modified_at) VALUES ('"
              + workflow
              + "', 'x', 'f', 'NEW', -1, "
              + json("[0]")
              + ", 0, CURRENT_TIMESTAMP,"
              + " CURRENT_TIMESTAMP)");
      s.executeUpdate(
          "INSERT INTO fs_object (id, workflow_id, pos, status, version, created_at, modified_at)"
              + " VALUES (1, '"
              + workflow
              + "', 0, 'INITIAL', 0, CURRENT_TIMESTAMP,"
              + " CURRENT_TIMESTAMP)");
      s.executeUpdate(
          "INSERT INTO fs_object_run (id, workflow_id, pos, started_at) VALUES (1, '"
              + workflow
              + "', 0, CURRENT_TIMESTAMP)");
      s.executeUpdate(
          "INSERT INTO fs_workflow_action (workflow_id, action, requested_by) VALUES ('"
              + workflow
              + "', 'RESUME', 'alice')");

      s.executeUpdate("DELETE FROM fs_workflow WHERE id = '" + workflow + "'");

      try (ResultSet r =
          s.executeQuery(
              "SELECT (SELECT COUNT(*) FROM fs_object) + (SELECT COUNT(*) FROM fs_object_run)"
                  + " + (SELECT COUNT(*) FROM fs_workflow_action)")) {
        r.next();
        assertThat(r.getInt(1)).isZero();
      }
    }
  }

  /** The rows of a query, columns joined by " | ". */
  List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? " | " : "").append(r.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
