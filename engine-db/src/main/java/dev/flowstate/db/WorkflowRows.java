package dev.flowstate.db;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Workflow rows as {@link WorkflowReader} returns them: the row read, labelled and counted. */
final class WorkflowRows {

  private static final TypeReference<Map<String, Object>> EXTRA_DATA = new TypeReference<>() {};

  private final ObjectMapper mapper;
  private final JdbcRows jdbc;

  WorkflowRows(ObjectMapper mapper, JdbcRows jdbc) {
    this.mapper = mapper;
    this.jdbc = jdbc;
  }

  List<StoredWorkflow> workflows(
      Connection connection, String sql, List<Object> params, String what) {
    List<StoredWorkflow> rows = JdbcRows.select(connection, sql, params, what, this::workflow);
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
    Instant leaseUntil = JdbcRows.instant(r, "lease_until");
    List<Integer> position;
    Map<String, Object> extra;
    Object payload;
    try {
      position = jdbc.positions(callbackPos);
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
        label(
            status,
            leaseUntil,
            JdbcRows.instant(r, "stalled_since"),
            JdbcRows.instant(r, "read_at")),
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
        JdbcRows.instant(r, "resume_at"),
        Map.of(),
        JdbcRows.instant(r, "created_at"),
        JdbcRows.instant(r, "modified_at"));
  }

  /**
   * The label of the {@code fs_workflow_status} view (migrations, V7), for the same row at the same
   * database time: what an operator reads in SQL and on the command line is one thing.
   */
  static String label(
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
            + jdbc.table(connection, "fs_object")
            + " WHERE workflow_id IN ("
            + "?, ".repeat(ids.size() - 1)
            + "?) GROUP BY workflow_id, status";
    Map<UUID, Map<ObjectStatus, Long>> counts = new HashMap<>();
    JdbcRows.select(
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
}
