package dev.flowstate.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The schema is the same on every family, as a reader of it sees it: each family is migrated into a
 * fresh schema and described from its metadata (tables and views, their columns in order with their
 * types by meaning and nullability, primary keys, named constraints, foreign keys, indexes), and
 * the descriptions are compared line by line. What may differ is only how a type is spelt (UUID or
 * CHAR(36), JSONB or JSON) and what PostgreSQL alone has (partial indexes, fillfactor), which its
 * own test checks.
 */
class SchemaFamiliesTest {

  private static final List<String> TABLES =
      List.of(
          "fs_workflow",
          "fs_object",
          "fs_object_run",
          "fs_worker",
          "fs_workflow_action",
          "fs_workflow_status",
          "fs_object_status",
          "fs_worker_status");

  /** Partial indexes with no counterpart elsewhere (V10: the text search's). */
  private static final java.util.Set<String> POSTGRESQL_ONLY_INDEXES =
      java.util.Set.of("fs_workflow_problem_ix");

  @Test
  void h2PostgresqlAndMariaDb_describeTheSameSchema() throws Exception {
    List<String> h2 = describe(TestDatabases.h2("families"), null, DatabaseKind.H2);
    List<String> postgres = described(TestDatabases.postgres(), DatabaseKind.POSTGRESQL);
    List<String> mariadb = described(TestDatabases.mariadb(), DatabaseKind.MARIADB);

    // kept for a reader of a failure: diff target/schema-*.txt
    for (var d :
        java.util.Map.of("h2", h2, "postgresql", postgres, "mariadb", mariadb).entrySet()) {
      java.nio.file.Files.write(
          java.nio.file.Path.of("target", "schema-" + d.getKey() + ".txt"), d.getValue());
    }
    assertThat(h2)
        .as("a description")
        .hasSizeGreaterThan(100)
        .contains("fs_workflow.id uuid not null");
    assertThat(postgres).as("PostgreSQL against H2").containsExactlyElementsOf(h2);
    assertThat(mariadb).as("MariaDB against H2").containsExactlyElementsOf(h2);
  }

  /** The description of a schema of its own on a server shared with other tests, then dropped. */
  private static List<String> described(DataSource database, DatabaseKind kind)
      throws SQLException {
    String schema = "fs_families_" + Long.toHexString(System.nanoTime());
    try {
      return describe(database, schema, kind);
    } finally {
      try (Connection c = database.getConnection();
          Statement s = c.createStatement()) {
        s.execute(
            kind == DatabaseKind.MARIADB
                ? "DROP DATABASE IF EXISTS " + schema
                : "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private static List<String> describe(DataSource database, String schema, DatabaseKind kind)
      throws SQLException {
    FlowstateMigrations.migrate(database, schema);
    List<String> lines = new java.util.ArrayList<>();
    try (Connection c = database.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      // MariaDB calls a schema a catalog
      String catalog = kind == DatabaseKind.MARIADB ? schema : null;
      String inSchema = kind == DatabaseKind.MARIADB ? null : schema;
      for (String table : TABLES) {
        String name = kind.metadataName(table);
        try (ResultSet r = meta.getColumns(catalog, inSchema, name, null)) {
          int columns = 0;
          while (r.next()) {
            columns++;
            lines.add(
                table
                    + "."
                    + lower(r.getString("COLUMN_NAME"))
                    + " "
                    + (table.endsWith("_status")
                        // a view's computed text is as long as each database infers
                        ? meaning(r.getString("TYPE_NAME"), r.getInt("COLUMN_SIZE"))
                            .replaceAll("\\(\\d+\\)$", "")
                        : meaning(r.getString("TYPE_NAME"), r.getInt("COLUMN_SIZE"))
                            + (r.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls
                                ? " not null"
                                : " null")));
          }
          assertThat(columns).as(table + "'s columns").isPositive();
        }
        if (table.endsWith("_status")) {
          continue; // a view: its columns are all it has
        }
        try (ResultSet r = meta.getPrimaryKeys(catalog, inSchema, name)) {
          TreeSet<String> key = new TreeSet<>();
          while (r.next()) {
            key.add(lower(r.getString("COLUMN_NAME")));
          }
          lines.add(table + " primary key " + key);
        }
        try (ResultSet r = meta.getImportedKeys(catalog, inSchema, name)) {
          while (r.next()) {
            lines.add(
                table
                    + " foreign key "
                    + lower(r.getString("FK_NAME"))
                    + " ("
                    + lower(r.getString("FKCOLUMN_NAME"))
                    + ") references "
                    + lower(r.getString("PKTABLE_NAME"))
                    + " ("
                    + lower(r.getString("PKCOLUMN_NAME"))
                    + ")"
                    + (r.getShort("DELETE_RULE") == DatabaseMetaData.importedKeyCascade
                        ? " on delete cascade"
                        : ""));
          }
        }
        TreeSet<String> indexes = new TreeSet<>();
        try (ResultSet r = meta.getIndexInfo(catalog, inSchema, name, false, false)) {
          while (r.next()) {
            String index = lower(r.getString("INDEX_NAME"));
            // flowstate's own indexes by their names; the ones databases make for keys are theirs.
            // A partial index only PostgreSQL has is checked by PostgresMigrationsTest
            if (index != null
                && index.startsWith("fs_")
                && index.endsWith("_ix")
                && !POSTGRESQL_ONLY_INDEXES.contains(index)) {
              indexes.add(
                  "index "
                      + index
                      + " #"
                      + r.getShort("ORDINAL_POSITION")
                      + " "
                      + lower(r.getString("COLUMN_NAME")));
            }
          }
        }
        indexes.forEach(index -> lines.add(table + " " + index));
      }
      lines.addAll(constraints(c, schema != null ? schema : c.getSchema(), kind));
    }
    return lines;
  }

  /** Named unique and check constraints, from the standard's information schema. */
  private static List<String> constraints(Connection c, String schema, DatabaseKind kind)
      throws SQLException {
    TreeSet<String> found = new TreeSet<>();
    String column = kind == DatabaseKind.H2 ? "CONSTRAINT_SCHEMA" : "constraint_schema";
    try (var p =
        c.prepareStatement(
            "SELECT table_name, constraint_name, constraint_type"
                + " FROM information_schema.table_constraints WHERE "
                + column
                + " = ? AND constraint_type IN ('UNIQUE', 'CHECK')")) {
      p.setString(1, kind == DatabaseKind.H2 ? schema.toUpperCase(Locale.ROOT) : schema);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String name = lower(r.getString(2));
          // not the NOT NULL checks PostgreSQL lists, nor MariaDB's JSON_VALID check per column
          if (name.startsWith("fs_")) {
            found.add(
                lower(r.getString(1)) + " " + r.getString(3).toLowerCase(Locale.ROOT) + " " + name);
          }
        }
      }
    }
    return List.copyOf(found);
  }

  /** A column's type as its meaning, whatever the family spells it. */
  private static String meaning(String type, int size) {
    String t = type.toLowerCase(Locale.ROOT);
    if (t.contains("uuid") || (t.equals("char") && size == 36)) {
      return "uuid";
    }
    if (t.contains("json") || t.equals("longtext")) {
      return "json";
    }
    if (t.contains("timestamp")) {
      return "instant";
    }
    if (t.contains("varchar") || t.contains("character varying")) {
      return "text(" + size + ")";
    }
    if (t.equals("bigint") || t.equals("int8")) {
      return "long";
    }
    if (t.equals("integer") || t.equals("int") || t.equals("int4")) {
      return "int";
    }
    return t + "(" + size + ")";
  }

  private static String lower(String name) {
    return name == null ? null : name.toLowerCase(Locale.ROOT);
  }
}
