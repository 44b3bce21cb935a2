package dev.flowstate.db;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.Store;
import dev.flowstate.migrations.DatabaseKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The read side of a flowstate schema in plain JDBC, on a connection the caller opens: what {@link
 * Flowstate}'s query API returns, and what the command line's read commands print (they read
 * without starting Hibernate). Reads only: it takes no lock and writes nothing; the caller chooses
 * the transaction (none, or a read-only one).
 *
 * <p>Thread-safe; one instance serves any number of connections.
 *
 * <pre>{@code
 * WorkflowReader reader = new WorkflowReader(new ObjectMapper(), null);
 * try (Connection c = dataSource.getConnection()) {
 *   List<StoredWorkflow> halted = reader.workflows(c, WorkflowQuery.all().status(HALTED));
 * }
 * }</pre>
 */
public final class WorkflowReader {

  private static final TypeReference<Map<String, Object>> EXTRA_DATA = new TypeReference<>() {};

  private static final String WORKFLOW_COLUMNS =
      "id, definition_name, definition_fingerprint, status, token_pos, callback_pos, extra_data,"
          + " halt_message, halt_action, halt_payload, last_error, ended_by, owner, lease_until,"
          + " resume_at, stalled_since, created_at, modified_at, CURRENT_TIMESTAMP AS read_at";

  private final ObjectMapper mapper;
  private final String schema;

  /**
   * @param mapper reads the JSON columns: objects' data as the type a caller asks for (configure it
   *     as the one that wrote them, {@link FlowstateBuilder#objectMapper})
   * @param schema the schema of flowstate's tables, or null for the connection's own
   */
  public WorkflowReader(ObjectMapper mapper, String schema) {
    if (mapper == null) {
      throw new IllegalArgumentException("mapper must not be null; use new ObjectMapper()");
    }
    this.mapper = mapper;
    this.schema = schema;
  }

  /**
   * Stored workflows, newest first (by last save), with their object counts by status.
   *
   * @param connection the database
   * @param query the filters and the page, e.g. {@code WorkflowQuery.all().status(HALTED)}
   * @return the page of workflows
   * @throws IllegalArgumentException if {@code query} is null
   * @throws StoreException if the database fails, or a row cannot be read (the message names the
   *     column and a fix)
   */
  public List<StoredWorkflow> workflows(Connection connection, WorkflowQuery query) {
    if (query == null) {
      throw new IllegalArgumentException("query must not be null; use WorkflowQuery.all()");
    }
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(WORKFLOW_COLUMNS)
            .append(" FROM ")
            .append(table(connection, "fs_workflow"))
            .append(" WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (query.status() != null) {
      sql.append(" AND status = ?");
      params.add(query.status().name());
    }
    if (query.definitionName() != null) {
      sql.append(" AND definition_name = ?");
      params.add(query.definitionName());
    }
    if (query.modifiedSince() != null) {
      sql.append(" AND modified_at >= ?");
      params.add(query.modifiedSince());
    }
    sql.append(" ORDER BY modified_at DESC, id LIMIT ? OFFSET ?");
    params.add(query.limit());
    params.add(query.offset());
    return workflows(connection, sql.toString(), params, "workflows");
  }

  /**
   * One stored workflow, as {@link #workflows} lists them.
   *
   * @param connection the database
   * @param id the workflow's id
   * @return the workflow, empty if there is none
   * @throws StoreException if the database fails, or its row cannot be read (the message names the
   *     column and a fix)
   */
  public Optional<StoredWorkflow> workflow(Connection connection, UUID id) {
    requireId(id);
    String sql =
        "SELECT "
            + WORKFLOW_COLUMNS
            + " FROM "
            + table(connection, "fs_workflow")
            + " WHERE id = ?";
    return workflows(connection, sql, List.of(id), "workflow " + id).stream().findFirst();
  }

  /**
   * Whether a workflow is stored: an unknown id is an error for a caller, not an empty page.
   *
   * @param connection the database
   * @param id the workflow's id
   * @return true if it is stored
   */
  public boolean exists(Connection connection, UUID id) {
    requireId(id);
    return !select(
            connection,
            "SELECT id FROM " + table(connection, "fs_workflow") + " WHERE id = ?",
            List.of(id),
            "workflow " + id,
            r -> r.getObject(1))
        .isEmpty();
  }

  private List<StoredWorkflow> workflows(
      Connection connection, String sql, List<Object> params, String what) {
    List<StoredWorkflow> rows = select(connection, sql, params, what, this::workflow);
    if (rows.isEmpty()) {
      return rows;
    }
    Map<UUID, Map<ObjectStatus, Long>> counts = objectCounts(connection, rows);
    List<StoredWorkflow> counted = new ArrayList<>(rows.size());
    for (StoredWorkflow w : rows) {
      counted.add(
          new StoredWorkflow(
              w.id(),
              w.definitionName(),
              w.definitionFingerprint(),
              w.status(),
              w.statusLabel(),
              w.tokenPos(),
              w.callbackPos(),
              w.extraData(),
              w.haltMessage(),
              w.haltAction(),
              w.haltPayload(),
              w.lastError(),
              w.endedBy(),
              w.owner(),
              w.leaseUntil(),
              w.resumeAt(),
              Map.copyOf(counts.getOrDefault(w.id(), Map.of())),
              w.createdAt(),
              w.modifiedAt()));
    }
    return counted;
  }

  /** A workflow row without its object counts. */
  private StoredWorkflow workflow(ResultSet r) throws SQLException {
    UUID id = UUID.fromString(r.getString("id"));
    String callbackPos = r.getString("callback_pos");
    String extraData = r.getString("extra_data");
    String haltPayload = r.getString("halt_payload");
    WorkflowStatus status = WorkflowStatus.valueOf(r.getString("status"));
    Instant leaseUntil = instant(r, "lease_until");
    List<Integer> position;
    Map<String, Object> extra;
    Object payload;
    try {
      position = positions(callbackPos);
      extra =
          extraData == null ? Map.of() : ExtraData.decode(mapper.readValue(extraData, EXTRA_DATA));
      payload = haltPayload == null ? null : mapper.readValue(haltPayload, Object.class);
    } catch (Exception e) {
      String problem = RowShapes.problem(mapper, callbackPos, extraData, haltPayload);
      throw new StoreException(
          "workflow "
              + id
              + " cannot be read: "
              + (problem == null ? e.getMessage() : "its stored " + problem),
          e);
    }
    return new StoredWorkflow(
        id,
        r.getString("definition_name"),
        r.getString("definition_fingerprint"),
        status,
        label(status, leaseUntil, instant(r, "stalled_since"), instant(r, "read_at")),
        r.getInt("token_pos"),
        position,
        extra,
        r.getString("halt_message"),
        r.getString("halt_action"),
        payload,
        r.getString("last_error"),
        r.getString("ended_by"),
        r.getString("owner"),
        leaseUntil,
        instant(r, "resume_at"),
        Map.of(),
        instant(r, "created_at"),
        instant(r, "modified_at"));
  }

  /**
   * The label of the {@code fs_workflow_status} view (migrations, V7), for the same row at the same
   * database time: what an operator reads in SQL and on the command line is one thing.
   */
  private static String label(
      WorkflowStatus status, Instant leaseUntil, Instant stalledSince, Instant now) {
    if (status == WorkflowStatus.RUNNING) {
      if (leaseUntil == null || leaseUntil.isBefore(now)) {
        return "Interrupted";
      }
      return stalledSince != null ? "Stalled" : "Running";
    }
    String name = status.name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  private Map<UUID, Map<ObjectStatus, Long>> objectCounts(
      Connection connection, List<StoredWorkflow> rows) {
    List<Object> ids = new ArrayList<>(rows.size());
    rows.forEach(row -> ids.add(row.id()));
    String sql =
        "SELECT workflow_id, status, COUNT(*) FROM "
            + table(connection, "fs_object")
            + " WHERE workflow_id IN ("
            + "?, ".repeat(ids.size() - 1)
            + "?) GROUP BY workflow_id, status";
    Map<UUID, Map<ObjectStatus, Long>> counts = new HashMap<>();
    select(
        connection,
        sql,
        ids,
        "object counts",
        r ->
            counts
                .computeIfAbsent(Store.readId(r, 1), id -> new EnumMap<>(ObjectStatus.class))
                .put(ObjectStatus.valueOf(r.getString(2)), r.getLong(3)));
    return counts;
  }

  /**
   * A page of a workflow's stored objects in position order, each read as {@code type}.
   *
   * @param connection the database
   * @param id the workflow's id
   * @param type the class to read the objects' data as ({@code JsonNode} for the JSON as stored)
   * @param status only objects with this status, or null for all
   * @param offset how many matching objects to skip, 0 or more
   * @param limit how many at most, 1 to {@value WorkflowQuery#MAX_LIMIT}
   * @param <T> the object type
   * @return the objects (none for an unknown id)
   * @throws IllegalArgumentException if the id or type is null, or the page is out of range
   * @throws StoreException if the database fails, or an object's data cannot be read as {@code
   *     type}
   */
  public <T> List<StoredObject<T>> objects(
      Connection connection, UUID id, Class<T> type, ObjectStatus status, int offset, int limit) {
    if (id == null || type == null) {
      throw new IllegalArgumentException(
          "objects needs a workflow id and an object type, got " + id + ", " + type);
    }
    checkPage(offset, limit);
    List<Object> params = new ArrayList<>(List.of(id));
    if (status != null) {
      params.add(status.name());
    }
    params.add(limit);
    params.add(offset);
    return select(
        connection,
        "SELECT pos, status, data, callback_pos, error_text, created_at, modified_at FROM "
            + table(connection, "fs_object")
            + " WHERE workflow_id = ?"
            + (status == null ? "" : " AND status = ?")
            + " ORDER BY pos LIMIT ? OFFSET ?",
        params,
        "the objects of workflow " + id,
        r -> {
          int pos = r.getInt("pos");
          String data = r.getString("data");
          T value;
          try {
            value = data == null ? null : mapper.readValue(data, type);
          } catch (Exception e) {
            throw new StoreException(
                "object "
                    + pos
                    + " of workflow "
                    + id
                    + " has data that cannot be read as "
                    + type.getName()
                    + ": "
                    + e.getMessage()
                    + RowShapes.JSON_HINT,
                e);
          }
          return new StoredObject<>(
              pos,
              ObjectStatus.valueOf(r.getString("status")),
              value,
              position(r.getString("callback_pos")),
              r.getString("error_text"),
              instant(r, "created_at"),
              instant(r, "modified_at"));
        });
  }

  /**
   * The task history of a workflow: one row per object run, in the order the runs began.
   *
   * @param connection the database
   * @param id the workflow's id
   * @return its runs (none when history is off or the id is unknown)
   */
  public List<ObjectRun> history(Connection connection, UUID id) {
    return history(connection, id, null);
  }

  /**
   * The runs of one object of a workflow, in the order they began.
   *
   * @param connection the database
   * @param id the workflow's id
   * @param position the object's position
   * @return its runs
   */
  public List<ObjectRun> history(Connection connection, UUID id, int position) {
    return history(connection, id, Integer.valueOf(position));
  }

  private List<ObjectRun> history(Connection connection, UUID id, Integer position) {
    requireId(id);
    List<Object> params = new ArrayList<>(List.of(id));
    if (position != null) {
      params.add(position);
    }
    return select(
        connection,
        "SELECT pos, started_at, ended_at, outcome, callback_pos, message FROM "
            + table(connection, "fs_object_run")
            + " WHERE workflow_id = ?"
            + (position == null ? "" : " AND pos = ?")
            + " ORDER BY started_at, id",
        params,
        "the history of workflow " + id,
        r ->
            new ObjectRun(
                r.getInt("pos"),
                instant(r, "started_at"),
                instant(r, "ended_at"),
                r.getString("outcome"),
                position(r.getString("callback_pos")),
                r.getString("message")));
  }

  /**
   * How many workflows of each definition have each status.
   *
   * @param connection the database
   * @return by definition name (sorted), the count of each status (statuses with none left out)
   */
  public Map<String, Map<WorkflowStatus, Long>> workflowCounts(Connection connection) {
    Map<String, Map<WorkflowStatus, Long>> counts = new TreeMap<>();
    select(
        connection,
        "SELECT definition_name, status, COUNT(*) FROM "
            + table(connection, "fs_workflow")
            + " GROUP BY definition_name, status",
        List.of(),
        "workflow counts",
        r ->
            counts
                .computeIfAbsent(r.getString(1), name -> new EnumMap<>(WorkflowStatus.class))
                .put(WorkflowStatus.valueOf(r.getString(2)), r.getLong(3)));
    return counts;
  }

  /**
   * The version of the latest migration applied to flowstate's schema by its own migrations.
   *
   * @param connection the database
   * @return the version, empty if the schema was migrated by an application's own Flyway
   */
  public Optional<String> schemaVersion(Connection connection) {
    return select(
            connection,
            // Flyway quotes its lowercase names (H2 would look for upper case)
            schemaVersionQuery(connection),
            List.of(),
            "the schema's version",
            r -> r.getString(1))
        .stream()
        .findFirst();
  }

  /** Flyway quotes its lowercase names (H2 would look for upper case). */
  private String schemaVersionQuery(Connection connection) {
    DatabaseKind kind = kind(connection);
    return "SELECT "
        + kind.quote("version")
        + " FROM "
        + qualifier(kind)
        + kind.quote("fs_schema_history")
        + " WHERE "
        + kind.quote("success")
        + " AND "
        + kind.quote("version")
        + " IS NOT NULL ORDER BY "
        + kind.quote("installed_rank")
        + " DESC LIMIT 1";
  }

  /** A table's name with the schema, quoted as Flyway creates it, for the connection's family. */
  private String table(Connection connection, String name) {
    return qualifier(kind(connection)) + name;
  }

  private String qualifier(DatabaseKind kind) {
    return schema == null ? "" : kind.quote(schema) + ".";
  }

  private static DatabaseKind kind(Connection connection) {
    try {
      return DatabaseKind.of(connection);
    } catch (SQLException e) {
      throw new StoreException("could not read the database's kind: " + e.getMessage(), e);
    }
  }

  private List<Integer> position(String json) throws SQLException {
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
  private List<Integer> positions(String json) throws java.io.IOException {
    com.fasterxml.jackson.databind.JsonNode array = mapper.readTree(json);
    if (array == null || !array.isArray() || array.isEmpty()) {
      throw new IllegalArgumentException("not a non-empty list");
    }
    List<Integer> position = new ArrayList<>(array.size());
    for (com.fasterxml.jackson.databind.JsonNode index : array) {
      if (!index.isIntegralNumber() || !index.canConvertToInt()) {
        throw new IllegalArgumentException(index + " is not an int");
      }
      position.add(index.intValue());
    }
    return List.copyOf(position);
  }

  /**
   * An instant column: through a UTC calendar, which the MySQL family's TIMESTAMP (a UTC wall time
   * in flowstate's UTC sessions) needs and the others' TIMESTAMP WITH TIME ZONE ignores, so that no
   * driver reads it in the JVM's own zone.
   */
  private static Instant instant(ResultSet r, String column) throws SQLException {
    java.sql.Timestamp time = r.getTimestamp(column, utc());
    return time == null ? null : time.toInstant();
  }

  /** A calendar is mutable: one per use. */
  private static java.util.Calendar utc() {
    return java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone(ZoneOffset.UTC));
  }

  private static void requireId(UUID id) {
    if (id == null) {
      throw new IllegalArgumentException("workflow id must not be null");
    }
  }

  private static void checkPage(int offset, int limit) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be 0 or more, got " + offset);
    }
    if (limit < 1 || limit > WorkflowQuery.MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be 1 to " + WorkflowQuery.MAX_LIMIT + ", got " + limit);
    }
  }

  private interface Row<R> {
    R read(ResultSet r) throws SQLException;
  }

  /** The rows of one statement; a database failure is a StoreException saying what was read. */
  private static <R> List<R> select(
      Connection connection, String sql, List<Object> params, String what, Row<R> row) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        if (params.get(i) instanceof Instant instant) {
          statement.setTimestamp(i + 1, java.sql.Timestamp.from(instant), utc());
        } else if (params.get(i) instanceof UUID id) {
          Store.bindId(statement, i + 1, id, kind(connection));
        } else {
          statement.setObject(i + 1, params.get(i));
        }
      }
      List<R> rows = new ArrayList<>();
      try (ResultSet r = statement.executeQuery()) {
        while (r.next()) {
          rows.add(row.read(r));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new StoreException(
          "cannot read " + what + ": " + dev.flowstate.migrations.Columns.firstLine(e.getMessage()),
          e);
    }
  }
}
