package dev.flowstate.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.ObjectRun;
import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.ObjectsPerMinute;
import dev.flowstate.db.StoredObject;
import dev.flowstate.db.StoredWorkflow;
import dev.flowstate.db.WorkflowAction;
import dev.flowstate.db.WorkflowActions;
import dev.flowstate.db.WorkflowQuery;
import dev.flowstate.db.WorkflowReader;
import dev.flowstate.db.WorkflowStatus;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.migrations.Columns;
import dev.flowstate.migrations.DatabaseKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What the HTTP API answers, as plain values that become JSON: each call reads in one connection
 * through the library's read side, or records one request through {@link WorkflowActions}.
 */
final class Api {

  /** The labels in the order an operator reads them: what needs a look first. */
  static final List<String> LABELS =
      List.of("Error", "Halted", "Interrupted", "Stalled", "Running", "New", "Completed");

  /**
   * How long a count of the COMPLETED workflows is reused: they are most of a table, and counting
   * them reads all of it (0.65 s at a million rows here), while the others are counted on every
   * refresh from the status index.
   */
  static final long COMPLETED_COUNT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

  static final int MAX_PAGE = 500;
  static final int MAX_HOURS = 48;

  private final DataSource dataSource;
  private final WorkflowReader reader;
  private final WorkflowActions actions;
  private final Map<String, Flow<?>> definitions;

  /** The last count of COMPLETED workflows by definition, and when (database time) it was made. */
  private record Completed(long takenNanos, Instant countedAt, Map<String, Long> byDefinition) {}

  private final java.util.concurrent.atomic.AtomicReference<Completed> completed =
      new java.util.concurrent.atomic.AtomicReference<>();

  Api(DataSource dataSource, String schema, ObjectMapper mapper, Map<String, Flow<?>> definitions) {
    this.dataSource = dataSource;
    this.reader = new WorkflowReader(mapper, schema);
    this.actions = new WorkflowActions(schema);
    this.definitions = definitions;
  }

  /**
   * Refuses a database the dashboard would misread: a schema older than the actions' table, or a
   * MySQL-family session outside UTC.
   */
  void requireReadable() {
    read(
        c -> {
          reader.requireUtcSession(c);
          String version = reader.schemaVersion(c).orElse(null);
          if (version != null
              && Integer.parseInt(version)
                  < dev.flowstate.migrations.FlowstateMigrations.LATEST_VERSION) {
            throw new IllegalStateException(
                "the flowstate schema is at version "
                    + version
                    + "; the dashboard needs version "
                    + dev.flowstate.migrations.FlowstateMigrations.LATEST_VERSION
                    + ": migrate it first (./flowstate migrate, or start a Flowstate with"
                    + " migrate(true))");
          }
          return null;
        });
  }

  interface Read<R> {
    R on(Connection c) throws SQLException;
  }

  <R> R read(Read<R> read) {
    try (Connection c = dataSource.getConnection()) {
      return read.on(c);
    } catch (SQLException e) {
      throw new dev.flowstate.db.StoreException(
          "cannot reach the database: " + Columns.firstLine(e.getMessage()), e);
    }
  }

  Map<String, Object> overview(int hours) {
    return read(
        c -> {
          Instant now = reader.databaseTime(c);
          Completed done = completed(c);
          Map<String, Map<String, Long>> byDefinition = counts(c, done);
          Map<String, Long> totals = new LinkedHashMap<>();
          LABELS.forEach(label -> totals.put(label, 0L));
          byDefinition
              .values()
              .forEach(counts -> counts.forEach((l, n) -> totals.merge(l, n, Long::sum)));
          Instant since = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(hours));
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("databaseTime", now);
          out.put("database", database(c));
          out.put("schemaVersion", reader.schemaVersion(c).orElse(null));
          out.put("totals", totals);
          out.put("completedCountedAt", done.countedAt());
          Map<String, Map<String, Long>> ordered = new LinkedHashMap<>();
          byDefinition.forEach(
              (name, counts) -> {
                Map<String, Long> inOrder = new LinkedHashMap<>();
                LABELS.stream()
                    .filter(counts::containsKey)
                    .forEach(label -> inOrder.put(label, counts.get(label)));
                ordered.put(name, inOrder);
              });
          out.put("definitions", ordered);
          out.put("perMinute", perMinute(reader.objectsPerMinute(c, since), since, now));
          out.put("pools", reader.workerPools(c));
          return out;
        });
  }

  /** The counts by definition and label: the live ones, and the last count of COMPLETED. */
  private Map<String, Map<String, Long>> counts(Connection c, Completed done) {
    Map<String, Map<String, Long>> counts = new java.util.TreeMap<>();
    reader
        .activeLabelCounts(c)
        .forEach((name, labels) -> counts.put(name, new LinkedHashMap<>(labels)));
    done.byDefinition()
        .forEach(
            (name, n) ->
                counts.computeIfAbsent(name, k -> new LinkedHashMap<>()).put("Completed", n));
    return counts;
  }

  /** The count of COMPLETED workflows, made again when the last one is a minute old. */
  private Completed completed(Connection c) {
    Completed last = completed.get();
    if (last != null && System.nanoTime() - last.takenNanos() < COMPLETED_COUNT_NANOS) {
      return last;
    }
    Instant at = reader.databaseTime(c);
    Map<String, Long> byDefinition = new LinkedHashMap<>();
    reader
        .statusLabelCounts(c)
        .forEach(
            (name, labels) -> {
              Long n = labels.get("Completed");
              if (n != null) {
                byDefinition.put(name, n);
              }
            });
    Completed fresh = new Completed(System.nanoTime(), at, byDefinition);
    completed.set(fresh);
    return fresh;
  }

  /** Every minute from {@code since} to {@code now}, with 0 where nothing ended. */
  private static List<ObjectsPerMinute> perMinute(
      List<ObjectsPerMinute> counted, Instant since, Instant now) {
    Map<Instant, ObjectsPerMinute> byMinute = new LinkedHashMap<>();
    counted.forEach(m -> byMinute.put(m.minute(), m));
    List<ObjectsPerMinute> all = new ArrayList<>();
    for (Instant m = since; !m.isAfter(now); m = m.plus(Duration.ofMinutes(1))) {
      all.add(byMinute.getOrDefault(m, new ObjectsPerMinute(m, 0, 0)));
    }
    return all;
  }

  /** The database as an operator may see it: no password, whatever the URL held. */
  private static Map<String, Object> database(Connection c) throws SQLException {
    Map<String, Object> db = new LinkedHashMap<>();
    db.put("product", c.getMetaData().getDatabaseProductName());
    String url = c.getMetaData().getURL();
    // where, not how: a driver's URL may list every setting it has (PostgreSQL's does)
    db.put("url", url == null ? null : DatabaseKind.masked(url).split("[?;]", 2)[0]);
    return db;
  }

  Map<String, Object> workflows(WorkflowQuery query) {
    List<StoredWorkflow> page = read(c -> reader.workflows(c, query));
    List<Map<String, Object>> items = new ArrayList<>(page.size());
    page.forEach(w -> items.add(summary(w)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", items);
    out.put(
        "next", page.size() == query.limit() ? query.cursorAfter(page.get(page.size() - 1)) : null);
    return out;
  }

  private static Map<String, Object> summary(StoredWorkflow w) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", w.id());
    s.put("definition", w.definitionName());
    s.put("status", w.status());
    s.put("label", w.statusLabel());
    s.put("objects", w.objects());
    s.put("done", count(w, ObjectStatus.COMPLETED) + count(w, ObjectStatus.SKIPPED));
    s.put("stuck", count(w, ObjectStatus.HALTED) + count(w, ObjectStatus.ERROR));
    s.put("haltMessage", w.haltMessage());
    s.put("lastError", w.lastError() == null ? null : Columns.firstLine(w.lastError()));
    s.put("owner", w.owner());
    s.put("resumeAt", w.resumeAt());
    s.put("createdAt", w.createdAt());
    s.put("modifiedAt", w.modifiedAt());
    return s;
  }

  private static long count(StoredWorkflow w, ObjectStatus status) {
    return w.objectsByStatus().getOrDefault(status, 0L);
  }

  Map<String, Object> workflow(UUID id) {
    return read(
        c -> {
          StoredWorkflow w = reader.workflow(c, id).orElseThrow(() -> notFound(id));
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("workflow", w);
          out.put("objects", w.objects());
          out.put("databaseTime", reader.databaseTime(c));
          out.put("definition", definition(w));
          out.put("actions", reader.actions(c, id));
          return out;
        });
  }

  static Routes.HttpError notFound(UUID id) {
    return new Routes.HttpError(404, "no workflow with id " + id);
  }

  private Map<String, Object> definition(StoredWorkflow w) {
    Map<String, Object> out = new LinkedHashMap<>();
    Flow<?> flow = definitions.get(w.definitionName());
    out.put("name", w.definitionName());
    out.put("known", flow != null);
    if (flow != null) {
      out.put("tree", children(flow, new ArrayList<>()));
    }
    return out;
  }

  private static List<Map<String, Object>> children(Flow<?> flow, List<Integer> path) {
    List<Map<String, Object>> nodes = new ArrayList<>(flow.size());
    for (int i = 0; i < flow.size(); i++) {
      Step<?> step = flow.get(i);
      List<Integer> at = new ArrayList<>(path);
      at.add(i);
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("path", at);
      if (step instanceof Flow<?> nested) {
        node.put("children", children(nested, at));
      } else {
        node.put("name", ((Task<?>) step).name());
      }
      nodes.add(node);
    }
    return nodes;
  }

  Map<String, Object> objects(UUID id, int after, int limit) {
    return read(
        c -> {
          if (!reader.exists(c, id)) {
            throw notFound(id);
          }
          // positions are 0..n-1 without gaps: the page after position p starts at offset p + 1
          List<StoredObject<JsonNode>> page =
              reader.objects(c, id, JsonNode.class, null, after + 1, limit);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("items", page);
          out.put(
              "next",
              page.size() == limit ? String.valueOf(page.get(page.size() - 1).position()) : null);
          return out;
        });
  }

  Map<String, Object> history(UUID id, Integer position) {
    return read(
        c -> {
          if (!reader.exists(c, id)) {
            throw notFound(id);
          }
          List<ObjectRun> runs =
              position == null ? reader.history(c, id) : reader.history(c, id, position);
          List<Map<String, Object>> items = new ArrayList<>(runs.size());
          for (ObjectRun run : runs) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("position", run.position());
            r.put("startedAt", run.startedAt());
            r.put("endedAt", run.endedAt());
            r.put("durationMillis", run.duration() == null ? null : run.duration().toNanos() / 1e6);
            r.put("outcome", run.outcome());
            r.put("callbackPos", run.callbackPos());
            r.put("message", run.message());
            items.add(r);
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("items", items);
          out.put("actions", reader.actions(c, id));
          return out;
        });
  }

  Map<String, Object> pools() {
    return read(
        c -> {
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("items", reader.workerPools(c));
          out.put("databaseTime", reader.databaseTime(c));
          return out;
        });
  }

  List<String> definitionNames() {
    return read(c -> List.copyOf(counts(c, completed(c)).keySet()));
  }

  /** Records one resume request; refusals become the HTTP answer that says why. */
  WorkflowAction resume(UUID id, Instant at, String operator, String from) {
    return read(c -> actions.requestResume(c, id, at, operator, from));
  }

  /** Each id's request on its own: one refused workflow does not stop the others. */
  List<Map<String, Object>> resumeAll(List<UUID> ids, Instant at, String operator, String from) {
    return read(
        c -> {
          List<Map<String, Object>> results = new ArrayList<>(ids.size());
          for (UUID id : ids) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("id", id);
            try {
              result.put("action", actions.requestResume(c, id, at, operator, from));
              result.put("status", 200);
            } catch (IllegalArgumentException e) {
              result.put("status", e.getMessage().startsWith("no workflow") ? 404 : 400);
              result.put("error", e.getMessage());
            } catch (IllegalStateException e) {
              result.put("status", 409);
              result.put("error", e.getMessage());
            }
            results.add(result);
          }
          return results;
        });
  }

  static WorkflowStatus status(String text) {
    try {
      return WorkflowStatus.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "status " + text + " is not one of " + List.of(WorkflowStatus.values()));
    }
  }
}
