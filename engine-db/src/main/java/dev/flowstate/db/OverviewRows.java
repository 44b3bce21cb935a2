package dev.flowstate.db;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The reads of {@link WorkflowReader} that look across workflows: what an overview shows. */
final class OverviewRows {

  private final JdbcRows jdbc;

  OverviewRows(JdbcRows jdbc) {
    this.jdbc = jdbc;
  }

  Map<String, Map<String, Long>> statusLabelCounts(Connection connection, boolean completed) {
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    JdbcRows.select(
        connection,
        "SELECT d, s, COUNT(*) FROM (SELECT definition_name AS d, CASE WHEN status = 'RUNNING'"
            + " AND (lease_until IS NULL OR lease_until < CURRENT_TIMESTAMP) THEN 'Interrupted'"
            + " WHEN status = 'RUNNING' AND stalled_since IS NOT NULL THEN 'Stalled'"
            + " ELSE status END AS s FROM "
            + jdbc.table(connection, "fs_workflow")
            + (completed ? "" : " WHERE status <> 'COMPLETED'")
            + ") t GROUP BY d, s",
        List.of(),
        "workflow counts",
        r -> {
          String label = r.getString(2);
          if (label.equals(label.toUpperCase(Locale.ROOT))) {
            label = WorkflowRows.label(WorkflowStatus.valueOf(label), null, null, null);
          }
          return counts
              .computeIfAbsent(r.getString(1), name -> new LinkedHashMap<>())
              .put(label, r.getLong(3));
        });
    return counts;
  }

  List<WorkerPoolStatus> workerPools(Connection connection) {
    return JdbcRows.select(
        connection,
        "SELECT * FROM "
            + jdbc.table(connection, "fs_worker_status")
            + " ORDER BY CASE status_label WHEN 'Running' THEN 0 WHEN 'Gone' THEN 1 ELSE 2 END,"
            + " started_at DESC, worker",
        List.of(),
        "the worker pools",
        r ->
            new WorkerPoolStatus(
                r.getString("worker"),
                r.getString("host"),
                r.getLong("pid"),
                r.getInt("threads"),
                r.getString("status_label"),
                r.getLong("holding"),
                r.getLong("claimed"),
                r.getLong("completed"),
                r.getLong("halted"),
                r.getLong("failed"),
                r.getLong("released"),
                JdbcRows.instant(r, "started_at"),
                JdbcRows.instant(r, "seen_at"),
                JdbcRows.instant(r, "stopped_at")));
  }

  List<ObjectsPerMinute> objectsPerMinute(Connection connection, Instant since) {
    if (since == null) {
      throw new IllegalArgumentException("since must not be null");
    }
    String minute =
        JdbcRows.kind(connection).mysqlFamily()
            ? "FLOOR(UNIX_TIMESTAMP(ended_at) / 60)"
            : "FLOOR(EXTRACT(EPOCH FROM ended_at) / 60)";
    Map<Long, long[]> minutes = new TreeMap<>();
    JdbcRows.select(
        connection,
        "SELECT m, outcome, COUNT(*) FROM (SELECT "
            + minute
            + " AS m, outcome FROM "
            + jdbc.table(connection, "fs_object_run")
            + " WHERE ended_at >= ? AND outcome IN ('COMPLETED', 'ERROR')) t GROUP BY m, outcome",
        List.of(since),
        "the objects done per minute",
        r -> {
          long[] counts = minutes.computeIfAbsent(r.getLong(1), m -> new long[2]);
          counts["COMPLETED".equals(r.getString(2)) ? 0 : 1] += r.getLong(3);
          return null;
        });
    List<ObjectsPerMinute> result = new ArrayList<>(minutes.size());
    minutes.forEach(
        (m, counts) ->
            result.add(new ObjectsPerMinute(Instant.ofEpochSecond(m * 60), counts[0], counts[1])));
    return result;
  }
}
