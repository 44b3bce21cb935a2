package dev.flowstate.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.Store;
import dev.flowstate.migrations.Columns;
import dev.flowstate.migrations.DatabaseKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.UUID;

/**
 * Plain-JDBC statements on a flowstate schema, shared by its readers and writers: tables named with
 * the schema for the connection's family, parameters bound and instants read in UTC, a database
 * failure turned into a {@link StoreException} that says what was read.
 */
final class JdbcRows {

  interface Row<R> {
    R read(ResultSet r) throws SQLException;
  }

  private final ObjectMapper mapper;
  private final String schema;

  JdbcRows(ObjectMapper mapper, String schema) {
    this.mapper = mapper;
    this.schema = schema;
  }

  /** A table's name with the schema, quoted as Flyway creates it, for the connection's family. */
  String table(Connection connection, String name) {
    return qualifier(kind(connection)) + name;
  }

  String qualifier(DatabaseKind kind) {
    return schema == null ? "" : kind.quote(schema) + ".";
  }

  static DatabaseKind kind(Connection connection) {
    try {
      return DatabaseKind.of(connection);
    } catch (SQLException e) {
      throw new StoreException("could not read the database's kind: " + e.getMessage(), e);
    }
  }

  /** The rows of one statement; a database failure is a StoreException saying what was read. */
  static <R> List<R> select(
      Connection connection, String sql, List<Object> params, String what, Row<R> row) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(connection, statement, params);
      List<R> rows = new ArrayList<>();
      try (ResultSet r = statement.executeQuery()) {
        while (r.next()) {
          rows.add(row.read(r));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new StoreException("cannot read " + what + ": " + Columns.firstLine(e.getMessage()), e);
    }
  }

  /** Binds instants in UTC and ids as the family stores them. */
  static void bind(Connection connection, PreparedStatement statement, List<Object> params)
      throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i) instanceof Instant instant) {
        statement.setTimestamp(i + 1, Timestamp.from(instant), utc());
      } else if (params.get(i) instanceof UUID id) {
        Store.bindId(statement, i + 1, id, kind(connection));
      } else {
        statement.setObject(i + 1, params.get(i));
      }
    }
  }

  /**
   * An instant column: through a UTC calendar, which the MySQL family's TIMESTAMP (a UTC wall time
   * in flowstate's UTC sessions) needs and the others' TIMESTAMP WITH TIME ZONE ignores, so that no
   * driver reads it in the JVM's own zone.
   */
  static Instant instant(ResultSet r, String column) throws SQLException {
    Timestamp time = r.getTimestamp(column, utc());
    return time == null ? null : time.toInstant();
  }

  /** A calendar is mutable: one per use. */
  private static Calendar utc() {
    return Calendar.getInstance(TimeZone.getTimeZone(ZoneOffset.UTC));
  }

  /** A task position read from a result, or null. */
  List<Integer> position(String json) throws SQLException {
    if (json == null) {
      return null;
    }
    try {
      return positions(json);
    } catch (Exception e) {
      throw new SQLException("a callback_pos is " + json + ", not a list of integers", e);
    }
  }

  /**
   * A task position from its JSON, strictly: Jackson alone would read [1.5] as [1], a position
   * nobody stored.
   */
  List<Integer> positions(String json) throws java.io.IOException {
    JsonNode array = mapper.readTree(json);
    if (array == null || !array.isArray() || array.isEmpty()) {
      throw new IllegalArgumentException("not a non-empty list");
    }
    List<Integer> position = new ArrayList<>(array.size());
    for (JsonNode index : array) {
      if (!index.isIntegralNumber() || !index.canConvertToInt()) {
        throw new IllegalArgumentException(index + " is not an int");
      }
      position.add(index.intValue());
    }
    return List.copyOf(position);
  }

  static void requireId(UUID id) {
    if (id == null) {
      throw new IllegalArgumentException("workflow id must not be null");
    }
  }

  static void checkPage(int offset, int limit) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be 0 or more, got " + offset);
    }
    if (limit < 1 || limit > WorkflowQuery.MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be 1 to " + WorkflowQuery.MAX_LIMIT + ", got " + limit);
    }
  }

  /** The database's time: leases and due times are judged by it. */
  static Instant databaseTime(Connection connection) {
    return select(
            connection,
            "SELECT CURRENT_TIMESTAMP AS db_now",
            List.of(),
            "the database's time",
            r -> instant(r, "db_now"))
        .get(0);
  }
}
