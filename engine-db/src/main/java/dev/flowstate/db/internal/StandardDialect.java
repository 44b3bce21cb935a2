package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.StoreException;
import dev.flowstate.migrations.Columns;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** H2 and other databases: the objects of a commit as entity updates, batched by Hibernate. */
final class StandardDialect implements Dialect {

  @Override
  public ObjectStatus writeObjects(
      EntityManager em,
      UUID id,
      List<ObjectEnd> ended,
      boolean history,
      int markRunning,
      Instant now) {
    int from = markRunning >= 0 ? markRunning : Integer.MAX_VALUE;
    int to = markRunning;
    for (ObjectEnd e : ended) {
      from = Math.min(from, e.pos());
      to = Math.max(to, e.pos());
    }
    int count = ended.size() + (markRunning >= 0 ? 1 : 0);
    if (count == 0) {
      return null;
    }
    if (count > Store.BATCH_SIZE) {
      // a checkpoint: its updates and history rows go out in as few batches as possible
      em.unwrap(org.hibernate.Session.class).setJdbcBatchSize(Math.min(count, 1000));
    }
    List<ObjectEntity> rows;
    if (to - from < 2 * count + 8) {
      rows =
          em.createQuery(
                  "select o from ObjectEntity o where o.workflowId = :id"
                      + " and o.pos between :from and :to",
                  ObjectEntity.class)
              .setParameter("id", id)
              .setParameter("from", from)
              .setParameter("to", to)
              .getResultList();
    } else { // jumps made the positions sparse
      List<Integer> positions = new ArrayList<>(count);
      ended.forEach(e -> positions.add(e.pos()));
      if (markRunning >= 0) {
        positions.add(markRunning);
      }
      rows =
          em.createQuery(
                  "select o from ObjectEntity o where o.workflowId = :id and o.pos in :positions",
                  ObjectEntity.class)
              .setParameter("id", id)
              .setParameter("positions", positions)
              .getResultList();
    }
    ObjectEntity[] byPos = new ObjectEntity[to - from + 1];
    for (ObjectEntity o : rows) {
      byPos[o.pos - from] = o;
    }
    for (ObjectEnd e : ended) {
      ObjectEntity o = row(id, byPos, from, e.pos());
      if (e.status() != null) {
        o.status = e.status();
      }
      if (e.data() != null) {
        o.data = e.data();
      }
      o.callbackPos = e.callbackPos();
      o.errorText = e.errorText();
      o.modifiedAt = e.endedAt();
      if (history) {
        ObjectRunEntity run = new ObjectRunEntity();
        run.workflowId = id;
        run.pos = e.pos();
        run.startedAt = e.startedAt() != null ? e.startedAt() : e.endedAt();
        run.endedAt = e.endedAt();
        run.outcome = e.outcome();
        run.callbackPos = e.callbackPos();
        run.message = Columns.cut(e.errorText(), Columns.RUN_MESSAGE);
        em.persist(run);
      }
    }
    ObjectStatus before = null;
    if (markRunning >= 0) {
      ObjectEntity o = row(id, byPos, from, markRunning);
      before = o.status;
      o.status = ObjectStatus.RUNNING;
      o.modifiedAt = now;
    }
    return before;
  }

  private static ObjectEntity row(UUID id, ObjectEntity[] byPos, int from, int pos) {
    ObjectEntity o = byPos[pos - from];
    if (o == null) {
      throw new StoreException(
          "workflow "
              + id
              + " has no stored object at position "
              + pos
              + "; were the objects replaced by a longer list in restart(...)?");
    }
    return o;
  }

  /*
   * H2 has no SKIP LOCKED for this: candidates are read, then each is taken by an update that
   * checks it is still free and unchanged (its version). Two claimers, even in two processes
   * sharing an AUTO_SERVER file, never take the same row; the loser just gets fewer rows.
   */
  @Override
  public List<Claim> claim(
      EntityManager em,
      String owner,
      int limit,
      Instant now,
      Instant until,
      java.util.Map<String, String> definitions,
      Instant stamp) {
    StringBuilder defs = new StringBuilder();
    for (int i = 0; i < definitions.size(); i++) {
      defs.append(i == 0 ? "" : " or ")
          .append("(w.definitionName = :n")
          .append(i)
          .append(" and w.definitionFingerprint = :f")
          .append(i)
          .append(")");
    }
    String free = "(w.owner is null or w.leaseUntil is null or w.leaseUntil < :now)";
    var select =
        em.createQuery(
                "select w.id, w.version, w.definitionName from WorkflowEntity w where "
                    + free
                    + " and (w.status = :running or (w.resumeAt <= :now and w.status <> :running))"
                    + " and ("
                    + defs
                    + ") order by case when w.status = :running then 0 else 1 end, w.resumeAt",
                Object[].class)
            .setParameter("now", now)
            .setParameter("running", dev.flowstate.db.WorkflowStatus.RUNNING)
            .setMaxResults(limit);
    int i = 0;
    for (java.util.Map.Entry<String, String> definition : definitions.entrySet()) {
      select.setParameter("n" + i, definition.getKey());
      select.setParameter("f" + i, definition.getValue());
      i++;
    }
    List<Claim> claimed = new ArrayList<>(limit);
    for (Object[] candidate : select.getResultList()) {
      int taken =
          em.createQuery(
                  "update WorkflowEntity w set w.owner = :owner, w.leaseUntil = :until,"
                      + " w.version = w.version + 1 where w.id = :id and w.version = :version")
              .setParameter("owner", owner)
              .setParameter("until", until)
              .setParameter("id", candidate[0])
              .setParameter("version", candidate[1])
              .executeUpdate();
      if (taken == 1) {
        claimed.add(new Claim((UUID) candidate[0], (String) candidate[2]));
      }
    }
    return claimed;
  }
}
