package dev.flowstate.benchmarks;

import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The database of the database benchmarks: {@code FLOWSTATE_BENCH_JDBC_URL}, else the local
 * PostgreSQL of these machines (a {@code jdbc:mariadb:} URL runs them on MariaDB); a schema of its
 * own (a database on MariaDB), emptied before each trial.
 */
final class BenchDatabase {

  static final String SCHEMA = "fs_bench";

  /** PostgreSQL or MariaDB, from the URL. */
  static final dev.flowstate.migrations.DatabaseKind KIND =
      dev.flowstate.migrations.DatabaseKind.ofUrl(url())
          .orElse(dev.flowstate.migrations.DatabaseKind.POSTGRESQL);

  static boolean mariadb() {
    return KIND.mysqlFamily();
  }

  /** The database's clock in SQL, in UTC on MariaDB whatever the session's zone. */
  static String now() {
    return mariadb() ? "UTC_TIMESTAMP(6)" : "CURRENT_TIMESTAMP";
  }

  /**
   * {@code FLOWSTATE_BENCH_JDBC_URL}, or the system property {@code flowstate.bench.url} (the smoke
   * test's), else this machine's PostgreSQL.
   */
  static String url() {
    String url =
        System.getProperty("flowstate.bench.url", System.getenv("FLOWSTATE_BENCH_JDBC_URL"));
    return url != null && !url.isBlank()
        ? url
        : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&reWriteBatchedInserts=true";
  }

  /** The object of the database benchmarks: a name and a counter the tasks change. */
  public static final class Item {
    public String name;
    public long value;

    public Item() {}

    Item(String name, long value) {
      this.name = name;
      this.value = value;
    }
  }

  /** Ten tasks, each a little arithmetic on the item. */
  static final Flow<Item> TEN_TASKS = tenTasks();

  private static Flow<Item> tenTasks() {
    List<Task<Item>> tasks = new ArrayList<>();
    for (int t = 0; t < 10; t++) {
      int k = t;
      tasks.add(Task.named("t" + t, (item, engine) -> item.value = item.value * 31 + k));
    }
    return Flow.of(new ArrayList<>(tasks));
  }

  static List<Item> items(int count) {
    List<Item> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      items.add(new Item("item-" + i, i));
    }
    return items;
  }

  static void recreateSchema() throws SQLException {
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement()) {
      s.execute(
          mariadb()
              ? "DROP DATABASE IF EXISTS " + SCHEMA
              : "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }
  }

  static Flowstate flowstate() {
    return flowstate(true);
  }

  static Flowstate flowstate(boolean history) {
    return Flowstate.builder()
        .jdbcUrl(url())
        .schema(SCHEMA)
        .history(history)
        .build()
        .register("bench", Item.class, TEN_TASKS);
  }

  /** Empties flowstate's tables, so that every measured run starts from the same database. */
  static void truncate(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (mariadb()) { // one table per TRUNCATE, and not while a foreign key points at it
        s.execute("SET FOREIGN_KEY_CHECKS = 0");
        for (String table :
            List.of("fs_workflow_action", "fs_object_run", "fs_object", "fs_workflow")) {
          s.execute("TRUNCATE " + table);
        }
        s.execute("SET FOREIGN_KEY_CHECKS = 1");
      } else {
        s.execute("TRUNCATE fs_workflow_action, fs_object_run, fs_object, fs_workflow");
      }
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  /**
   * Stores a workflow of {@code count} objects as one halted on its first object, first task
   * (set-based SQL, the same rows for the engine and the baseline).
   */
  static java.util.UUID storeHalted(Connection c, int count) throws SQLException {
    java.util.UUID id = java.util.UUID.randomUUID();
    try (Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status,"
              + " token_pos, callback_pos, version, created_at, modified_at) VALUES ('"
              + id
              + "', 'bench', '"
              + dev.flowstate.db.internal.Fingerprint.of(TEN_TASKS)
              + "', 'HALTED', 0, '[0]', 0, "
              + (mariadb() ? "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))" : "now(), now())"));
      s.execute(
          mariadb()
              ? "INSERT INTO fs_object (id, workflow_id, pos, status, data, source_data, version,"
                  + " created_at, modified_at) SELECT NEXT VALUE FOR fs_object_seq, '"
                  + id
                  + "', g.seq, CASE WHEN g.seq = 0 THEN 'HALTED' ELSE 'INITIAL' END,"
                  + " JSON_OBJECT('name', CONCAT('item-', g.seq), 'value', g.seq),"
                  + " JSON_OBJECT('name', CONCAT('item-', g.seq), 'value', g.seq), 0,"
                  + " UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_0_to_"
                  + (count - 1)
                  + " g"
              : "INSERT INTO fs_object (id, workflow_id, pos, status, data, source_data, version,"
                  + " created_at, modified_at) SELECT nextval('fs_object_seq'), '"
                  + id
                  + "', g,"
                  + " CASE WHEN g = 0 THEN 'HALTED' ELSE 'INITIAL' END,"
                  + " jsonb_build_object('name', 'item-' || g, 'value', g),"
                  + " jsonb_build_object('name', 'item-' || g, 'value', g), 0, now(), now()"
                  + " FROM generate_series(0, "
                  + (count - 1)
                  + ") g");
    }
    c.commit();
    return id;
  }

  static Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(url());
    KIND.useSchema(c, SCHEMA);
    if (mariadb()) { // flowstate's own pool keeps its sessions in UTC
      try (Statement s = c.createStatement()) {
        s.execute("SET time_zone = '+00:00'");
      }
    }
    c.setAutoCommit(false);
    return c;
  }

  private BenchDatabase() {}
}
