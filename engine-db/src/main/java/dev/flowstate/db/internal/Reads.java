package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.WorkflowStatus;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The read side of the store for the query API: pages of workflows, objects and history rows, and
 * counts. Each read is one entity manager without a transaction: it holds no lock and writes
 * nothing.
 */
public final class Reads {

  private final Store sessions;

  Reads(Store sessions) {
    this.sessions = sessions;
  }

  /**
   * Workflow rows, newest first (by last save), filtered by what is not null, one page.
   *
   * @param status only this status, or null
   * @param definitionName only this definition, or null
   * @param modifiedSince only rows saved at or after this, or null
   */
  public List<WorkflowEntity> workflows(
      WorkflowStatus status, String definitionName, Instant modifiedSince, int offset, int limit) {
    return sessions.withoutTransaction(
        em -> {
          StringBuilder jpql = new StringBuilder("select w from WorkflowEntity w where 1 = 1");
          if (status != null) {
            jpql.append(" and w.status = :status");
          }
          if (definitionName != null) {
            jpql.append(" and w.definitionName = :name");
          }
          if (modifiedSince != null) {
            jpql.append(" and w.modifiedAt >= :since");
          }
          jpql.append(" order by w.modifiedAt desc, w.id");
          TypedQuery<WorkflowEntity> select = em.createQuery(jpql.toString(), WorkflowEntity.class);
          if (status != null) {
            select.setParameter("status", status);
          }
          if (definitionName != null) {
            select.setParameter("name", definitionName);
          }
          if (modifiedSince != null) {
            select.setParameter("since", modifiedSince);
          }
          return select.setFirstResult(offset).setMaxResults(limit).getResultList();
        });
  }

  /** How many workflows of each definition have each status (statuses with none left out). */
  public Map<String, Map<WorkflowStatus, Long>> workflowCounts() {
    Map<String, Map<WorkflowStatus, Long>> counts = new java.util.TreeMap<>();
    sessions.withoutTransaction(
        em -> {
          for (Object[] count :
              em.createQuery(
                      "select w.definitionName, w.status, count(w) from WorkflowEntity w"
                          + " group by w.definitionName, w.status",
                      Object[].class)
                  .getResultList()) {
            counts
                .computeIfAbsent((String) count[0], name -> new EnumMap<>(WorkflowStatus.class))
                .put((WorkflowStatus) count[1], (Long) count[2]);
          }
          return null;
        });
    return counts;
  }

  /** How many running workflows have no live lease, and how many are marked stalled. */
  public record StuckCounts(long interrupted, long stalled) {}

  /**
   * How many running workflows have no live lease at {@code now} (their process died or handed them
   * back; a pool takes them over), and how many are marked stalled: one query.
   */
  public StuckCounts stuckCounts(Instant now) {
    Object[] counts =
        sessions.withoutTransaction(
            em ->
                em.createQuery(
                        "select coalesce(sum(case when w.leaseUntil is null or w.leaseUntil < :now"
                            + " then 1 else 0 end), 0), coalesce(sum(case when w.stalledSince is"
                            + " not null then 1 else 0 end), 0) from WorkflowEntity w where"
                            + " w.status = :running",
                        Object[].class)
                    .setParameter("now", now)
                    .setParameter("running", WorkflowStatus.RUNNING)
                    .getSingleResult());
    return new StuckCounts(((Number) counts[0]).longValue(), ((Number) counts[1]).longValue());
  }

  /** The version of the latest migration applied to flowstate's schema, if any. */
  public java.util.Optional<String> schemaVersion() {
    return sessions.withoutTransaction(
        em ->
            em.createNativeQuery(
                    // Flyway quotes its lowercase names (H2 would look for upper case)
                    "SELECT \"version\" FROM "
                        + sessions.table("\"fs_schema_history\"")
                        + " WHERE \"success\" AND \"version\" IS NOT NULL"
                        + " ORDER BY \"installed_rank\" DESC",
                    String.class)
                .setMaxResults(1)
                .getResultStream()
                .map(String.class::cast)
                .findFirst());
  }

  /** How many objects of each workflow have each status (statuses with none left out). */
  public Map<UUID, Map<ObjectStatus, Long>> objectCounts(List<UUID> ids) {
    Map<UUID, Map<ObjectStatus, Long>> counts = new HashMap<>();
    if (ids.isEmpty()) {
      return counts;
    }
    sessions.withoutTransaction(
        em -> {
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
          return null;
        });
    return counts;
  }

  /** A page of a workflow's object rows in position order, all or those with {@code status}. */
  public List<ObjectEntity> objects(UUID id, ObjectStatus status, int offset, int limit) {
    return sessions.withoutTransaction(
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
  }

  /** The history rows of a workflow, or of one of its objects, in the order the runs began. */
  public List<ObjectRunEntity> runs(UUID id, Integer position) {
    return sessions.withoutTransaction(
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
  }
}
