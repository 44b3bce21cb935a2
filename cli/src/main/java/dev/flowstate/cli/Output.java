package dev.flowstate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a read command prints: rows as an aligned table, or with {@code --json} one JSON document
 * (an array of objects, or one object) with the column names as field names.
 */
final class Output {

  /**
   * Prints what the library's reader returns, and reads objects' data for it: extra data holds
   * Instants, LocalDates and Durations, written as ISO text.
   */
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private Output() {}

  /** The rows of a result set, each a map from column label (lower case) to value. */
  static List<Map<String, Object>> rows(ResultSet r) throws SQLException {
    ResultSetMetaData meta = r.getMetaData();
    List<Map<String, Object>> rows = new ArrayList<>();
    while (r.next()) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        String name = meta.getColumnLabel(i).toLowerCase();
        Object value = r.getObject(i);
        if (value instanceof java.sql.Timestamp t) {
          value = t.toInstant().toString();
        } else if (value instanceof java.time.temporal.TemporalAccessor
            || value instanceof java.util.UUID) {
          value =
              value instanceof java.time.OffsetDateTime o
                  ? o.toInstant().toString()
                  : value.toString();
        } else if (value instanceof java.sql.Clob || value instanceof byte[]) {
          value = r.getString(i);
        } else if (value != null
            && !(value instanceof Number)
            && !(value instanceof Boolean)
            && !(value instanceof String)) {
          value = r.getString(i);
        }
        row.put(name, value);
      }
      rows.add(row);
    }
    return rows;
  }

  /** A value read by the library as the JSON it prints: lists and maps as written in the row. */
  static JsonNode tree(Object value) {
    return value == null ? null : JSON.valueToTree(value);
  }

  /** An instant as the JSON output writes it (ISO-8601, UTC), or null. */
  static String time(java.time.Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static void json(PrintWriter out, Object document) {
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
    } catch (Exception e) {
      throw new CliException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /** A value on one line, at most {@code max} characters. */
  static String oneLine(Object value, int max) {
    if (value == null) {
      return "";
    }
    String text =
        value instanceof JsonNode node ? node.toString() : value.toString().replaceAll("\\s+", " ");
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }

  /** Rows as an aligned table with the given columns (header in upper case). */
  static void table(
      PrintWriter out, List<Map<String, Object>> rows, List<String> columns, int max) {
    int[] widths = new int[columns.size()];
    List<String[]> cells = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      widths[c] = columns.get(c).length();
    }
    for (Map<String, Object> row : rows) {
      String[] line = new String[columns.size()];
      for (int c = 0; c < columns.size(); c++) {
        line[c] = oneLine(row.get(columns.get(c)), max);
        widths[c] = Math.max(widths[c], line[c].length());
      }
      cells.add(line);
    }
    StringBuilder header = new StringBuilder();
    for (int c = 0; c < columns.size(); c++) {
      header.append(pad(columns.get(c).toUpperCase(), widths[c], c == columns.size() - 1));
    }
    out.println(header.toString().stripTrailing());
    for (String[] line : cells) {
      StringBuilder text = new StringBuilder();
      for (int c = 0; c < line.length; c++) {
        text.append(pad(line[c], widths[c], c == line.length - 1));
      }
      out.println(text.toString().stripTrailing());
    }
  }

  private static String pad(String text, int width, boolean last) {
    return last ? text : text + " ".repeat(width - text.length() + 2);
  }

  static ArrayNode array(List<Map<String, Object>> rows) {
    ArrayNode array = JSON.createArrayNode();
    rows.forEach(row -> array.add(object(row)));
    return array;
  }

  static ObjectNode object(Map<String, Object> row) {
    return JSON.valueToTree(row);
  }
}
