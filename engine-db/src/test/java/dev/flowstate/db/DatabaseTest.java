package dev.flowstate.db;

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
}
