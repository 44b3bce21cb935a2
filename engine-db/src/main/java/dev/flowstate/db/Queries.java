package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.ObjectEntity;
import dev.flowstate.db.internal.ObjectRunEntity;
import dev.flowstate.db.internal.Store;
import dev.flowstate.db.internal.WorkflowEntity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
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

  private final Store store;
  private final ObjectMapper mapper;

  Queries(Store store, ObjectMapper mapper) {
    this.store = store;
    this.mapper = mapper;
  }

  List<StoredWorkflow> workflows(WorkflowQuery query) {
    if (query == null) {
      throw new IllegalArgumentException("query must not be null; use WorkflowQuery.all()");
    }
    return store.withoutTransaction(
        em -> {
          StringBuilder jpql = new StringBuilder("select w from WorkflowEntity w where 1 = 1");
          if (query.status() != null) {
            jpql.append(" and w.status = :status");
          }
          if (query.definitionName() != null) {
            jpql.append(" and w.definitionName = :name");
          }
          if (query.modifiedSince() != null) {
            jpql.append(" and w.modifiedAt >= :since");
          }
          jpql.append(" order by w.modifiedAt desc, w.id");
          TypedQuery<WorkflowEntity> select = em.createQuery(jpql.toString(), WorkflowEntity.class);
          if (query.status() != null) {
            select.setParameter("status", query.status());
          }
          if (query.definitionName() != null) {
            select.setParameter("name", query.definitionName());
          }
          if (query.modifiedSince() != null) {
            select.setParameter("since", query.modifiedSince());
          }
          List<WorkflowEntity> rows =
              select.setFirstResult(query.offset()).setMaxResults(query.limit()).getResultList();
          return summaries(em, rows);
        });
  }

  Optional<StoredWorkflow> workflow(UUID id) {
    if (id == null) {
      throw new IllegalArgumentException("workflow id must not be null");
    }
    WorkflowEntity row = RowShapes.find(store, mapper, id);
    if (row == null) {
      return Optional.empty();
    }
    return Optional.of(store.withoutTransaction(em -> summaries(em, List.of(row)).get(0)));
  }

  private List<StoredWorkflow> summaries(EntityManager em, List<WorkflowEntity> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    List<UUID> ids = new ArrayList<>(rows.size());
    rows.forEach(row -> ids.add(row.id));
    Map<UUID, Map<ObjectStatus, Long>> counts = new HashMap<>();
    for (Object[] count :
        em.createQuery(
                "select o.workflowId, o.status, count(o) from ObjectEntity o"
                    + " where o.workflowId in :ids group by o.workflowId, o.status",
                Object[].class)
            .setParameter("ids", ids)
            .getResultList()) {
      counts
          .computeIfAbsent((UUID) count[0], id -> new EnumMap<>(ObjectStatus.class))
          .put((ObjectStatus) count[1], (Long) count[2]);
    }
    List<StoredWorkflow> summaries = new ArrayList<>(rows.size());
    for (WorkflowEntity w : rows) {
      summaries.add(
          new StoredWorkflow(
              w.id,
              w.definitionName,
              w.status,
              w.tokenPos,
              w.callbackPos == null ? List.of() : List.copyOf(w.callbackPos),
              w.extraData == null ? Map.of() : w.extraData,
              w.haltMessage,
              w.haltAction,
              w.haltPayload == null ? null : mapper.convertValue(w.haltPayload, Object.class),
              w.lastError,
              Map.copyOf(counts.getOrDefault(w.id, Map.of())),
              w.createdAt,
              w.modifiedAt));
    }
    return summaries;
  }

  <T> List<StoredObject<T>> objects(
      UUID id, Class<T> type, ObjectStatus status, int offset, int limit) {
    if (id == null || type == null) {
      throw new IllegalArgumentException("objects needs a workflow id and an object type, got " + id + ", " + type);
    }
    checkPage(offset, limit);
    List<ObjectEntity> rows =
        store.withoutTransaction(
            em -> {
              TypedQuery<ObjectEntity> select =
                  em.createQuery(
                      "select o from ObjectEntity o where o.workflowId = :id"
                          + (status == null ? "" : " and o.status = :status")
                          + " order by o.pos",
                      ObjectEntity.class);
              select.setParameter("id", id);
              if (status != null) {
                select.setParameter("status", status);
              }
              return select
                  .setFirstResult(offset)
                  .setMaxResults(limit)
                  .setHint("org.hibernate.readOnly", true)
                  .getResultList();
            });
    List<StoredObject<T>> objects = new ArrayList<>(rows.size());
    for (ObjectEntity o : rows) {
      T data;
      try {
        data = o.data == null ? null : mapper.readValue(o.data, type);
      } catch (Exception e) {
        throw new StoreException(
            "object " + o.pos + " of workflow " + id + " has data that cannot be read as "
                + type.getName() + ": " + e.getMessage() + RowShapes.JSON_HINT,
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
    List<ObjectRunEntity> rows =
        store.withoutTransaction(
            em -> {
              TypedQuery<ObjectRunEntity> select =
                  em.createQuery(
                      "select r from ObjectRunEntity r where r.workflowId = :id"
                          + (position == null ? "" : " and r.pos = :pos")
                          + " order by r.startedAt, r.id",
                      ObjectRunEntity.class);
              select.setParameter("id", id);
              if (position != null) {
                select.setParameter("pos", position);
              }
              return select.getResultList();
            });
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
