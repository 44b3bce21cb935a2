package dev.flowstate.db;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.migrations.DatabaseKind;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
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
  private final JdbcRows jdbc;
  private final OverviewRows overview;
  private final WorkflowRows rows;

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
    this.jdbc = new JdbcRows(mapper, schema);
    this.overview = new OverviewRows(jdbc);
    this.rows = new WorkflowRows(mapper, jdbc);
  }

  /**
   * Stored workflows, newest first in the query's order, with their object counts by status.
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
            .append(jdbc.table(connection, "fs_workflow"))
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
    if (query.text() != null) {
      // the first condition is what PostgreSQL's partial index of such rows (V10) matches
      sql.append(" AND (halt_message IS NOT NULL OR last_error IS NOT NULL)")
          .append(
              " AND (LOWER(halt_message) LIKE ? ESCAPE '!' OR LOWER(last_error) LIKE ? ESCAPE '!')");
      String pattern = "%" + query.text().toLowerCase(Locale.ROOT).replaceAll("[!%_]", "!$0") + "%";
      params.add(pattern);
      params.add(pattern);
    }
    if (query.createdFrom() != null) {
      sql.append(" AND created_at >= ?");
      params.add(query.createdFrom());
    }
    if (query.createdBefore() != null) {
      sql.append(" AND created_at < ?");
      params.add(query.createdBefore());
    }
    boolean created = query.order() == WorkflowQuery.Order.CREATED;
    String time = created ? "created_at" : "modified_at";
    if (query.after() != null) {
      // the time bound alone is what an index range uses; ties are ordered by id
      WorkflowQuery.Cursor cursor = WorkflowQuery.Cursor.parse(query.after());
      sql.append(" AND ")
          .append(time)
          .append(" <= ? AND (")
          .append(time)
          .append(" < ? OR id ")
          .append(created ? "<" : ">")
          .append(" ?)");
      params.add(cursor.time());
      params.add(cursor.time());
      params.add(cursor.id());
    }
    sql.append(" ORDER BY ").append(time).append(created ? " DESC, id DESC" : " DESC, id");
    sql.append(" LIMIT ? OFFSET ?");
    params.add(query.limit());
    params.add(query.offset());
    return rows.workflows(connection, sql.toString(), params, "workflows");
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
    JdbcRows.requireId(id);
    String sql =
        "SELECT "
            + WORKFLOW_COLUMNS
            + " FROM "
            + jdbc.table(connection, "fs_workflow")
            + " WHERE id = ?";
    return rows.workflows(connection, sql, List.of(id), "workflow " + id).stream().findFirst();
  }

  /**
   * Whether a workflow is stored: an unknown id is an error for a caller, not an empty page.
   *
   * @param connection the database
   * @param id the workflow's id
   * @return true if it is stored
   */
  public boolean exists(Connection connection, UUID id) {
    JdbcRows.requireId(id);
    return !JdbcRows.select(
            connection,
            "SELECT id FROM " + jdbc.table(connection, "fs_workflow") + " WHERE id = ?",
            List.of(id),
            "workflow " + id,
            r -> r.getObject(1))
        .isEmpty();
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
    JdbcRows.checkPage(offset, limit);
    List<Object> params = new ArrayList<>(List.of(id));
    if (status != null) {
      params.add(status.name());
    }
    params.add(limit);
    params.add(offset);
    return JdbcRows.select(
        connection,
        "SELECT pos, status, data, callback_pos, error_text, created_at, modified_at FROM "
            + jdbc.table(connection, "fs_object")
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
              jdbc.position(r.getString("callback_pos")),
              r.getString("error_text"),
              JdbcRows.instant(r, "created_at"),
              JdbcRows.instant(r, "modified_at"));
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
    JdbcRows.requireId(id);
    List<Object> params = new ArrayList<>(List.of(id));
    if (position != null) {
      params.add(position);
    }
    return JdbcRows.select(
        connection,
        "SELECT pos, started_at, ended_at, outcome, callback_pos, message FROM "
            + jdbc.table(connection, "fs_object_run")
            + " WHERE workflow_id = ?"
            + (position == null ? "" : " AND pos = ?")
            + " ORDER BY started_at, id",
        params,
        "the history of workflow " + id,
        r ->
            new ObjectRun(
                r.getInt("pos"),
                JdbcRows.instant(r, "started_at"),
                JdbcRows.instant(r, "ended_at"),
                r.getString("outcome"),
                jdbc.position(r.getString("callback_pos")),
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
    JdbcRows.select(
        connection,
        "SELECT definition_name, status, COUNT(*) FROM "
            + jdbc.table(connection, "fs_workflow")
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
   * How many workflows of each definition have each status label, as the {@code fs_workflow_status}
   * view labels them at the database's time: a RUNNING workflow whose lease has run out counts as
   * {@code Interrupted}, one marked stalled as {@code Stalled}.
   *
   * @param connection the database
   * @return by definition name (sorted), the count of each label (labels with none left out)
   */
  public Map<String, Map<String, Long>> statusLabelCounts(Connection connection) {
    return overview.statusLabelCounts(connection, true);
  }

  /**
   * {@link #statusLabelCounts} without the COMPLETED workflows, which are most of a table: on
   * PostgreSQL this reads only the rows of the status index (V9), not the whole table.
   *
   * @param connection the database
   * @return by definition name (sorted), the count of each label but Completed
   */
  public Map<String, Map<String, Long>> activeLabelCounts(Connection connection) {
    return overview.statusLabelCounts(connection, false);
  }

  /**
   * What operators asked of a workflow, in the order they asked.
   *
   * @param connection the database
   * @param id the workflow's id
   * @return its actions (none for an unknown id)
   */
  public List<WorkflowAction> actions(Connection connection, UUID id) {
    JdbcRows.requireId(id);
    return JdbcRows.select(
        connection,
        "SELECT requested_at, action, resume_at, requested_by, requested_from FROM "
            + jdbc.table(connection, "fs_workflow_action")
            + " WHERE workflow_id = ? ORDER BY id",
        List.of(id),
        "the actions on workflow " + id,
        r ->
            new WorkflowAction(
                JdbcRows.instant(r, "requested_at"),
                r.getString("action"),
                JdbcRows.instant(r, "resume_at"),
                r.getString("requested_by"),
                r.getString("requested_from")));
  }

  /**
   * The worker pools that share the database: running ones first, then by start, newest first.
   *
   * @param connection the database
   * @return the pools as the {@code fs_worker_status} view shows them
   */
  public List<WorkerPoolStatus> workerPools(Connection connection) {
    return overview.workerPools(connection);
  }

  /**
   * Object runs that ended since {@code since}, counted per minute from the history (empty when
   * history is off): minutes without an ended run are left out.
   *
   * @param connection the database
   * @param since the earliest end to count
   * @return the minutes in order
   */
  public List<ObjectsPerMinute> objectsPerMinute(Connection connection, Instant since) {
    return overview.objectsPerMinute(connection, since);
  }

  /**
   * @param connection the database
   * @return the database's time, by which leases and due times are judged
   */
  public Instant databaseTime(Connection connection) {
    return JdbcRows.databaseTime(connection);
  }

  /**
   * Checks that instants are read right on this connection: a MariaDB or MySQL session must be in
   * UTC, as flowstate's TIMESTAMP columns hold UTC wall times (other databases need nothing).
   *
   * @param connection the database
   * @throws StoreException if the session is in another zone (the message says how to set UTC)
   */
  public void requireUtcSession(Connection connection) {
    Connections.requireUtcSession(connection, JdbcRows.kind(connection));
  }

  /**
   * The version of the latest migration applied to flowstate's schema by its own migrations.
   *
   * @param connection the database
   * @return the version, empty if the schema was migrated by an application's own Flyway
   */
  public Optional<String> schemaVersion(Connection connection) {
    return JdbcRows.select(
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
    DatabaseKind kind = JdbcRows.kind(connection);
    return "SELECT "
        + kind.quote("version")
        + " FROM "
        + jdbc.qualifier(kind)
        + kind.quote("fs_schema_history")
        + " WHERE "
        + kind.quote("success")
        + " AND "
        + kind.quote("version")
        + " IS NOT NULL ORDER BY "
        + kind.quote("installed_rank")
        + " DESC LIMIT 1";
  }
}
