package dev.flowstate.db;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** A test against one database: subclasses choose it; the database is dropped after each test. */
abstract class DatabaseTest {

  TestDatabase db;
  Flowstate flowstate;

  abstract TestDatabase database();

  @AfterEach
  void close() throws SQLException {
    if (flowstate != null) {
      flowstate.close();
    }
    if (db != null) {
      db.drop();
    }
  }

  /** Runs one statement (as an operator or another engine would, outside any run). */
  int update(String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  /** The rows of a query, columns joined by " | ", spaces inside values removed. */
  List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          if (i > 1) {
            row.append(" | ");
          }
          row.append(r.getString(i));
        }
        rows.add(row.toString().replace(" ", "").replace("|", " | "));
      }
    }
    return rows;
  }

  /** What a "peek" task reads while its run is under way, through another connection. */
  interface Look<R> {
    R read(Doc doc, WorkflowEngine<Doc> engine) throws Exception;
  }

  /**
   * A new workflow of definition "peek": its task "peek" adds what {@code look} reads to {@code
   * seen}, then {@code after} run.
   */
  @SafeVarargs
  final <R> DbWorkflowEngine<Doc> peeking(List<R> seen, Look<R> look, Step<Doc>... after) {
    List<Step<Doc>> steps = new ArrayList<>();
    steps.add(Task.named("peek", (d, e) -> seen.add(look.read(d, e))));
    steps.addAll(List.of(after));
    flowstate.register("peek", Doc.class, Flow.of(steps));
    return flowstate.newWorkflow("peek", Doc.class);
  }
}
