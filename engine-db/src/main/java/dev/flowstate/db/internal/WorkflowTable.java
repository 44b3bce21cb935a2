package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.OwnershipException;
import dev.flowstate.db.StoreException;
import dev.flowstate.db.WorkflowStatus;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntFunction;
import org.hibernate.Session;

/**
 * The statements of {@code fs_workflow} that store and read a workflow's row: new workflows (with
 * their objects), save points, fenced by the row's version and owner (an update that finds another
 * version or a live owner writes nothing and says so), a failed save's record, requests to resume,
 * and the row read back. What differs between the databases sits behind {@link Dialect}.
 */
public final class WorkflowTable {

  final Store sessions;
  final Dialect dialect;
  private final ObjectTable objects;

  WorkflowTable(Store sessions, Dialect dialect, ObjectTable objects) {
    this.sessions = sessions;
    this.dialect = dialect;
    this.objects = objects;
  }

  /** Inserts a new workflow row (its version becomes 0). */
  public void insertWorkflow(EntityManager em, WorkflowEntity row) {
    em.persist(row);
    em.flush();
  }

  /**
   * Inserts a new workflow row (its version becomes 0) and its {@code count} objects, {@code
   * INITIAL}: one statement where the database allows.
   */
  public void insertNew(
      EntityManager em, WorkflowEntity row, int count, IntFunction<String> json, Instant now) {
    row.version = 0;
    if (!dialect.insertNew(em, row, count, json)) {
      insertWorkflow(em, row);
      objects.insertObjects(em, row.id, 0, count, json, now);
    }
  }

  /**
   * Stores a new workflow {@code NEW} with its objects {@code INITIAL}, in one transaction of its
   * own: it is visible (status, queries) before it first runs.
   */
  public void insertNew(WorkflowEntity row, List<String> objects) {
    sessions.write(
        row.id, "", em -> insertNew(em, row, objects.size(), objects::get, row.createdAt));
  }

  /**
   * Stores new workflows as {@link #insertNew(WorkflowEntity, List)} does, all in one transaction:
   * all or none.
   */
  public void insertAll(List<WorkflowEntity> rows, List<List<String>> objects) {
    sessions.write(
        rows.get(0).id,
        " with the other "
            + (rows.size() - 1)
            + " workflow(s) of its submitAll (none of them was stored)",
        em -> {
          for (int w = 0; w < rows.size(); w++) {
            WorkflowEntity row = rows.get(w);
            List<String> json = objects.get(w);
            insertNew(em, row, json.size(), json::get, row.createdAt);
          }
        });
  }

  /** What {@link #reload} read besides the workflow row. */
  public record Reloaded(int objects, ObjectStatus statusAtToken) {}

  /**
   * Reads the workflow row again into {@code row} (positions, extra data, status, halt details,
   * version, owner, lease), with the number of objects and the status of the object at its
   * token_pos: what an interrupted run resumes from.
   *
   * @throws StoreException if the row is gone
   */
  public Reloaded reload(WorkflowEntity row) {
    return sessions.withoutTransaction(
        em -> {
          WorkflowEntity wf = findWorkflow(em, row.id);
          if (wf == null) {
            throw new StoreException("workflow " + row.id + " is no longer in the database");
          }
          row.status = wf.status;
          row.endedBy = wf.endedBy;
          row.tokenPos = wf.tokenPos;
          row.callbackPos = wf.callbackPos;
          row.extraData = wf.extraData;
          row.haltMessage = wf.haltMessage;
          row.haltAction = wf.haltAction;
          row.haltPayload = wf.haltPayload;
          row.lastError = wf.lastError;
          row.version = wf.version;
          row.modifiedAt = wf.modifiedAt;
          row.owner = wf.owner;
          row.leaseUntil = wf.leaseUntil;
          row.resumeAt = wf.resumeAt;
          return new Reloaded(
              objects.objectCount(em, row.id), objects.objectStatus(em, row.id, wf.tokenPos));
        });
  }

  /** The row names nobody, this engine, or an owner whose lease has ended. */
  private static final String FENCE =
      " and (w.owner is null or w.owner = :me or w.leaseUntil is null or w.leaseUntil < :now)";

  /**
   * Writes the row's status, positions, extra data, halt details, error, owner and lease, if its
   * version is still {@code row.version} and no other engine holds a live lease on it (fenced);
   * bumps the stored version.
   *
   * @param me the engine writing: the row may name it, nobody, or an owner whose lease ended
   * @param now the time leases are compared with
   * @throws OwnershipException if another engine holds the workflow or saved it since
   * @throws StoreException if the row is gone
   */
  public void updateWorkflow(EntityManager em, WorkflowEntity row, String me, Instant now) {
    int updated =
        em.createQuery(
                "update WorkflowEntity w set w.status = :status, w.endedBy = :endedBy,"
                    + " w.tokenPos = :tokenPos, w.callbackPos = :callbackPos,"
                    + " w.extraData = :extraData, w.haltMessage = :haltMessage,"
                    + " w.haltAction = :haltAction, w.haltPayload = :haltPayload,"
                    + " w.lastError = :lastError, w.modifiedAt = :modifiedAt,"
                    + " w.owner = :owner, w.leaseUntil = :leaseUntil, w.resumeAt = :resumeAt,"
                    + " w.stalledSince = null, w.stalledTask = null,"
                    + " w.version = w.version + 1 where w.id = :id and w.version = :version"
                    + FENCE)
            .setParameter("status", row.status)
            .setParameter("endedBy", row.endedBy)
            .setParameter("tokenPos", row.tokenPos)
            .setParameter("callbackPos", row.callbackPos)
            .setParameter("extraData", row.extraData)
            .setParameter("haltMessage", row.haltMessage)
            .setParameter("haltAction", row.haltAction)
            .setParameter("haltPayload", row.haltPayload)
            .setParameter("lastError", row.lastError)
            .setParameter("modifiedAt", row.modifiedAt)
            .setParameter("owner", row.owner)
            .setParameter("leaseUntil", row.leaseUntil)
            .setParameter("resumeAt", row.resumeAt)
            .setParameter("id", row.id)
            .setParameter("version", row.version)
            .setParameter("me", me)
            .setParameter("now", now)
            .executeUpdate();
    if (updated == 0) {
      refused(em, row.id, me, now);
    }
  }

  /**
   * A save of a run failed: the workflow becomes ERROR with ended_by SAVE_ERROR, keeping the
   * positions of its last commit, and released; its RUNNING object becomes ERROR with the text.
   *
   * @throws OwnershipException if another engine holds the workflow or saved it since
   * @throws StoreException if the row is gone
   */
  public void markSaveFailed(
      EntityManager em,
      UUID id,
      long version,
      String me,
      String lastError,
      String errorText,
      Instant now) {
    int updated =
        em.createQuery(
                "update WorkflowEntity w set w.status = :status, w.endedBy = :endedBy,"
                    + " w.lastError = :lastError, w.modifiedAt = :now, w.owner = null,"
                    + " w.leaseUntil = null, w.stalledSince = null, w.stalledTask = null,"
                    + " w.version = w.version + 1 where w.id = :id and w.version = :version"
                    + FENCE)
            .setParameter("status", WorkflowStatus.ERROR)
            .setParameter("endedBy", EndedBy.SAVE_ERROR)
            .setParameter("lastError", lastError)
            .setParameter("now", now)
            .setParameter("id", id)
            .setParameter("version", version)
            .setParameter("me", me)
            .executeUpdate();
    if (updated == 0) {
      refused(em, id, me, now);
    }
    em.createQuery(
            "update ObjectEntity o set o.status = :error, o.errorText = :text,"
                + " o.modifiedAt = :now, o.version = o.version + 1"
                + " where o.workflowId = :id and o.status = :running")
        .setParameter("error", ObjectStatus.ERROR)
        .setParameter("text", errorText)
        .setParameter("now", now)
        .setParameter("id", id)
        .setParameter("running", ObjectStatus.RUNNING)
        .executeUpdate();
  }

  /**
   * Asks for a halted or failed workflow to be resumed at {@code at}, in a transaction of its own.
   *
   * @return the workflow's status if it is not NEW, HALTED or ERROR (nothing written), or null if
   *     it was written
   * @throws StoreException if there is no such workflow
   */
  public WorkflowStatus requestResume(UUID id, Instant at) {
    return sessions.inTransaction(
        em -> {
          int updated =
              em.createQuery(
                      "update WorkflowEntity w set w.resumeAt = :at"
                          + " where w.id = :id and w.status in (:new, :halted, :error)")
                  .setParameter("at", at)
                  .setParameter("id", id)
                  .setParameter("new", WorkflowStatus.NEW)
                  .setParameter("halted", WorkflowStatus.HALTED)
                  .setParameter("error", WorkflowStatus.ERROR)
                  .executeUpdate();
          if (updated == 1) {
            return null;
          }
          WorkflowStatus status =
              em.createQuery(
                      "select w.status from WorkflowEntity w where w.id = :id",
                      WorkflowStatus.class)
                  .setParameter("id", id)
                  .getResultStream()
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "no workflow with id " + id + "; check the id (flowstate list)"));
          return status;
        });
  }

  /** A fenced update wrote nothing: says why. */
  private void refused(EntityManager em, UUID id, String me, Instant now) {
    Ownership.Holder stored =
        Ownership.holder(em, id)
            .orElseThrow(
                () -> new StoreException("workflow " + id + " is no longer in the database"));
    String owner = stored.owner();
    Instant leaseUntil = stored.leaseUntil();
    if (owner != null && !owner.equals(me) && leaseUntil != null && !leaseUntil.isBefore(now)) {
      throw Ownership.heldBy(id, owner, leaseUntil);
    }
    throw Store.conflict(id, null);
  }

  /**
   * A save point: the workflow row as {@link #updateWorkflow} writes it, then the objects as {@link
   * #writeObjects} does; one statement where the database allows.
   *
   * @return the status object {@code markRunning} had before, or null if none was marked
   * @throws OwnershipException if another engine holds the workflow or saved it since
   * @throws StoreException if the row or an object is gone
   */
  public ObjectStatus commit(
      EntityManager em,
      WorkflowEntity row,
      String me,
      Instant now,
      List<ObjectEnd> ended,
      boolean history,
      int markRunning) {
    Dialect.Committed done = dialect.commit(em, row, me, now, ended, history, markRunning);
    if (done == null) {
      updateWorkflow(em, row, me, now);
      return ended.isEmpty() && markRunning < 0
          ? null
          : dialect.writeObjects(em, row.id, ended, history, markRunning, row.modifiedAt);
    }
    if (!done.rowWritten()) {
      refused(em, row.id, me, now);
    }
    return done.before();
  }

  /** The workflow row, or null; Hibernate's exception if a JSON column has the wrong shape. */
  public WorkflowEntity findWorkflow(UUID id) {
    return sessions.withoutTransaction(em -> em.find(WorkflowEntity.class, id));
  }

  /** The workflow row read in {@code em}, or null. */
  public WorkflowEntity findWorkflow(EntityManager em, UUID id) {
    return em.find(WorkflowEntity.class, id);
  }

  /** The workflow's status alone (it reads even when the JSON columns were spoilt by hand). */
  public Optional<WorkflowStatus> status(UUID id) {
    return sessions.withoutTransaction(
        em ->
            em.createQuery(
                    "select w.status from WorkflowEntity w where w.id = :id", WorkflowStatus.class)
                .setParameter("id", id)
                .getResultStream()
                .findFirst());
  }

  /** A workflow row's JSON columns as the database holds them, as text (each may be null). */
  public record JsonColumns(String callbackPos, String extraData, String haltPayload) {}

  /** The workflow's JSON columns as text, unparsed; empty if the row is gone. */
  public Optional<JsonColumns> jsonColumns(UUID id) {
    return sessions.reading(
        connection -> {
          try (PreparedStatement read =
              connection.prepareStatement(
                  "SELECT callback_pos, extra_data, halt_payload FROM "
                      + sessions.table("fs_workflow")
                      + " WHERE id = ?")) {
            Store.bindId(read, 1, id, sessions.kind());
            try (ResultSet r = read.executeQuery()) {
              return r.next()
                  ? Optional.of(new JsonColumns(r.getString(1), r.getString(2), r.getString(3)))
                  : Optional.empty();
            }
          }
        });
  }

  /**
   * A claimed workflow's row and object count, read with the others of its claim, and the JSON of
   * its objects when it has at most {@link #PRELOADED_OBJECTS} (else null).
   */
  public record Preloaded(WorkflowEntity row, int objects, List<String> objectData) {

    /** A claim's row with the JSON of its objects by position (null elements kept), or null. */
    static Preloaded of(WorkflowEntity row, int objects, String[] objectData) {
      return new Preloaded(
          row,
          objects,
          objectData == null
              ? null
              : java.util.Collections.unmodifiableList(java.util.Arrays.asList(objectData)));
    }
  }

  /** Workflows of at most this many objects have their objects' JSON read with their claim. */
  public static final int PRELOADED_OBJECTS = 64;

  /**
   * The rows and object counts of the workflows {@code ids}, in two queries for all of them: what a
   * pool's runs would otherwise read one workflow at a time before their first task. A row that
   * cannot be read fails the whole read; its run then reads its own and says what is wrong.
   */
  public Map<UUID, Preloaded> preload(List<UUID> ids) {
    Map<UUID, Preloaded> preloaded = new HashMap<>();
    if (ids.isEmpty()) {
      return preloaded;
    }
    sessions.withoutTransaction(
        em -> {
          Map<UUID, Integer> counts = new HashMap<>();
          for (Object[] last :
              em.createQuery(
                      "select o.workflowId, max(o.pos) from ObjectEntity o where o.workflowId in"
                          + " :ids group by o.workflowId",
                      Object[].class)
                  .setParameter("ids", ids)
                  .getResultList()) {
            counts.put((UUID) last[0], (Integer) last[1] + 1);
          }
          Map<UUID, String[]> data = new HashMap<>();
          List<UUID> small = new java.util.ArrayList<>();
          counts.forEach(
              (id, count) -> {
                if (count <= PRELOADED_OBJECTS) {
                  small.add(id);
                  data.put(id, new String[count]);
                }
              });
          if (!small.isEmpty()) {
            em.unwrap(Session.class).doWork(connection -> readSmall(connection, small, data));
          }
          for (WorkflowEntity row :
              em.createQuery(
                      "select w from WorkflowEntity w where w.id in :ids", WorkflowEntity.class)
                  .setParameter("ids", ids)
                  .getResultList()) {
            String[] objects = data.get(row.id);
            if (objects != null && java.util.Arrays.asList(objects).contains(null)) {
              objects = null; // a gap in the positions: the run's own read reports it
            }
            preloaded.put(row.id, Preloaded.of(row, counts.getOrDefault(row.id, 0), objects));
          }
          return null;
        });
    return preloaded;
  }

  private void readSmall(java.sql.Connection connection, List<UUID> ids, Map<UUID, String[]> into)
      throws java.sql.SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT workflow_id, pos, data FROM ")
            .append(sessions.table("fs_object"))
            .append(" WHERE pos < ? AND workflow_id IN (");
    for (int i = 0; i < ids.size(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    try (PreparedStatement objects = connection.prepareStatement(sql.append(')').toString())) {
      objects.setInt(1, PRELOADED_OBJECTS);
      for (int i = 0; i < ids.size(); i++) {
        Store.bindId(objects, i + 2, ids.get(i), sessions.kind());
      }
      try (ResultSet r = objects.executeQuery()) {
        while (r.next()) {
          String[] data = into.get(Store.readId(r, 1));
          int pos = r.getInt(2);
          if (data != null && pos >= 0 && pos < data.length) {
            data[pos] = r.getString(3);
          }
        }
      }
    }
  }
}
