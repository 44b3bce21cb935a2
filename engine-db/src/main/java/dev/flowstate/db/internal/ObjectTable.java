package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * The statements of {@code fs_object} (and of {@code fs_object_run}, the history rows written with
 * the objects they record): objects inserted, saved, reset and read.
 */
public final class ObjectTable {

  private final Store sessions;
  private final Dialect dialect;

  ObjectTable(Store sessions, Dialect dialect) {
    this.sessions = sessions;
    this.dialect = dialect;
  }

  /** How many objects of the workflow are stored. */
  public long countObjects(EntityManager em, UUID id) {
    return em.createQuery(
            "select count(o) from ObjectEntity o where o.workflowId = :id", Long.class)
        .setParameter("id", id)
        .getSingleResult();
  }

  /**
   * Inserts objects {@code from} to {@code to - 1} as INITIAL, each with its JSON as data and
   * source data, flushing in batches so that a million objects do not stay in the session.
   */
  public void insertObjects(
      EntityManager em, UUID id, int from, int to, IntFunction<String> json, Instant now) {
    for (int i = from; i < to; i++) {
      ObjectEntity o = new ObjectEntity();
      o.workflowId = id;
      o.pos = i;
      o.status = ObjectStatus.INITIAL;
      o.data = json.apply(i);
      o.sourceData = o.data;
      o.createdAt = now;
      o.modifiedAt = now;
      em.persist(o);
      if ((i + 1) % Store.BATCH_SIZE == 0) {
        em.flush();
        em.clear();
      }
    }
    em.flush();
  }

  /**
   * Writes the objects that ended (and their history rows) and marks {@code markRunning} RUNNING.
   *
   * @return the status object {@code markRunning} had before, or null if none was marked
   */
  public ObjectStatus writeObjects(
      EntityManager em,
      UUID id,
      List<ObjectEnd> ended,
      boolean history,
      int markRunning,
      Instant now) {
    return dialect.writeObjects(em, id, ended, history, markRunning, now);
  }

  /** Every object back to its source data and INITIAL. */
  public void resetToSource(EntityManager em, UUID id, Instant now) {
    em.createQuery(
            "update ObjectEntity o set o.data = o.sourceData, o.status = :initial,"
                + " o.callbackPos = null, o.errorText = null, o.modifiedAt = :now,"
                + " o.version = o.version + 1 where o.workflowId = :id")
        .setParameter("initial", ObjectStatus.INITIAL)
        .setParameter("now", now)
        .setParameter("id", id)
        .executeUpdate();
  }

  /** How many objects the workflow has (positions are 0..n-1: max(pos) reads one index entry). */
  public int objectCount(EntityManager em, UUID id) {
    Integer last =
        em.createQuery(
                "select max(o.pos) from ObjectEntity o where o.workflowId = :id", Integer.class)
            .setParameter("id", id)
            .getSingleResult();
    return last == null ? 0 : last + 1;
  }

  /** {@link #objectCount(EntityManager, UUID)} in a read of its own. */
  public int objectCount(UUID id) {
    return sessions.withoutTransaction(em -> objectCount(em, id));
  }

  /** The status of the object at {@code pos}, or null if there is none. */
  public ObjectStatus objectStatus(EntityManager em, UUID id, int pos) {
    return em.createQuery(
            "select o.status from ObjectEntity o where o.workflowId = :id and o.pos = :pos",
            ObjectStatus.class)
        .setParameter("id", id)
        .setParameter("pos", pos)
        .getResultStream()
        .findFirst()
        .orElse(null);
  }

  /**
   * The data (JSON text) of objects {@code start} to {@code start + into.length - 1}, into {@code
   * into} by position: one plain query outside any transaction (a read needs no BEGIN/COMMIT round
   * trip); a thousand (position, JSON text) pairs need none of Hibernate's row processing, which
   * took a few times as long as the query itself.
   *
   * @return how many of them were found
   */
  public int readObjectData(UUID id, int start, String[] into) {
    return sessions.reading(
        connection -> {
          int rows = 0;
          try (PreparedStatement page =
              connection.prepareStatement(
                  "SELECT pos, data FROM "
                      + sessions.table("fs_object")
                      + " WHERE workflow_id = ? AND pos >= ? AND pos < ? ORDER BY pos")) {
            Store.bindId(page, 1, id, sessions.kind());
            page.setInt(2, start);
            page.setInt(3, start + into.length);
            try (ResultSet r = page.executeQuery()) {
              while (r.next()) {
                int pos = r.getInt(1);
                if (pos - start < into.length) {
                  into[pos - start] = r.getString(2);
                  rows++;
                }
              }
            }
          }
          return rows;
        });
  }
}
