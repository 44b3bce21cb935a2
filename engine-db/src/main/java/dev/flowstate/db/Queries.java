package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.ObjectEntity;
import dev.flowstate.db.internal.ObjectRunEntity;
import dev.flowstate.db.internal.Tables;
import dev.flowstate.db.internal.WorkflowEntity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/*
 * The read side of the store, for services and the command line: plain records out, entities
 * never. Each read is one entity manager without a transaction: it holds no lock and writes
 * nothing.
 */
final class Queries {

  private final Tables tables;
  private final ObjectMapper mapper;

  Queries(Tables tables, ObjectMapper mapper) {
    this.tables = tables;
    this.mapper = mapper;
  }

  List<StoredWorkflow> workflows(WorkflowQuery query) {
    if (query == null) {
      throw new IllegalArgumentException("query must not be null; use WorkflowQuery.all()");
    }
    return summaries(
        tables
            .reads()
            .workflows(
                query.status(),
                query.definitionName(),
                query.modifiedSince(),
                query.offset(),
                query.limit()));
  }

  Optional<StoredWorkflow> workflow(UUID id) {
    if (id == null) {
      throw new IllegalArgumentException("workflow id must not be null");
    }
    WorkflowEntity row = RowShapes.find(tables, mapper, id);
    return row == null ? Optional.empty() : Optional.of(summaries(List.of(row)).get(0));
  }

  private List<StoredWorkflow> summaries(List<WorkflowEntity> rows) {
    List<UUID> ids = new ArrayList<>(rows.size());
    rows.forEach(row -> ids.add(row.id));
    Map<UUID, Map<ObjectStatus, Long>> counts = tables.reads().objectCounts(ids);
    List<StoredWorkflow> summaries = new ArrayList<>(rows.size());
    for (WorkflowEntity w : rows) {
      summaries.add(
          new StoredWorkflow(
              w.id,
              w.definitionName,
              w.status,
              w.tokenPos,
              w.callbackPos == null ? List.of() : List.copyOf(w.callbackPos),
              w.extraData == null ? Map.of() : ExtraData.decode(w.extraData),
              w.haltMessage,
              w.haltAction,
              w.haltPayload == null ? null : mapper.convertValue(w.haltPayload, Object.class),
              w.lastError,
              w.endedBy == null ? null : w.endedBy.name(),
              w.owner,
              w.leaseUntil,
              w.resumeAt,
              Map.copyOf(counts.getOrDefault(w.id, Map.of())),
              w.createdAt,
              w.modifiedAt));
    }
    return summaries;
  }

  <T> List<StoredObject<T>> objects(
      UUID id, Class<T> type, ObjectStatus status, int offset, int limit) {
    if (id == null || type == null) {
      throw new IllegalArgumentException(
          "objects needs a workflow id and an object type, got " + id + ", " + type);
    }
    checkPage(offset, limit);
    List<ObjectEntity> rows = tables.reads().objects(id, status, offset, limit);
    List<StoredObject<T>> objects = new ArrayList<>(rows.size());
    for (ObjectEntity o : rows) {
      T data;
      try {
        data = o.data == null ? null : mapper.readValue(o.data, type);
      } catch (Exception e) {
        throw new StoreException(
            "object "
                + o.pos
                + " of workflow "
                + id
                + " has data that cannot be read as "
                + type.getName()
                + ": "
                + e.getMessage()
                + RowShapes.JSON_HINT,
            e);
      }
      objects.add(
          new StoredObject<>(
              o.pos,
              o.status,
              data,
              o.callbackPos == null ? null : List.copyOf(o.callbackPos),
              o.errorText,
              o.createdAt,
              o.modifiedAt));
    }
    return objects;
  }

  List<ObjectRun> history(UUID id, Integer position) {
    if (id == null) {
      throw new IllegalArgumentException("workflow id must not be null");
    }
    List<ObjectRunEntity> rows = tables.reads().runs(id, position);
    List<ObjectRun> runs = new ArrayList<>(rows.size());
    for (ObjectRunEntity r : rows) {
      runs.add(
          new ObjectRun(
              r.pos,
              r.startedAt,
              r.endedAt,
              r.outcome,
              r.callbackPos == null ? null : List.copyOf(r.callbackPos),
              r.message));
    }
    return runs;
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
}
