package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.OwnershipException;
import dev.flowstate.db.StoreException;
import dev.flowstate.db.WorkflowStatus;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.TypedQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.hibernate.Session;

/**
 * Every statement flowstate runs against its tables, in one place: the save points decide what to
 * save and when; this writes it. What differs between PostgreSQL and H2 sits behind {@link
 * Dialect}. Writes are fenced by the workflow row's version: an update that finds another version
 * writes nothing and says so.
 */
public final class WorkflowStore {

  final Store store;
  final Dialect dialect;

  /**
   * @param store the session factory over the entities
   */
  public WorkflowStore(Store store) {
    this.store = store;
    this.dialect = Dialect.of(store);
  }

  // ------------------------------------------------------------------ transactions

  /**
   * Runs {@code work} as one transaction; a database failure becomes a {@link StoreException}
   * naming the workflow and {@code where}, a version mismatch the conflict error.
   *
   * @param id the workflow written
   * @param where what was being saved, e.g. "at object 3", for the message
   * @param work the statements
   */
  public void write(UUID id, String where, Consumer<EntityManager> work) {
    write(null, id, where, work);
  }

  /**
   * {@link #write(UUID, String, Consumer)} in a transaction already open ({@link #begin()}), or in
   * a new one when {@code open} is null; either way committed and closed here.
   */
  public void write(EntityManager open, UUID id, String where, Consumer<EntityManager> work) {
    try {
      // one flush, at commit: a second one would compare JSON columns with Hibernate's copies of
      // them (a long read back as an int is "changed") and write the rows again
      java.util.function.Function<EntityManager, Object> statements =
          em -> {
            work.accept(em);
            return null;
          };
      if (open == null) {
        store.inTransaction(statements);
      } else {
        store.inTransaction(open, statements);
      }
    } catch (StoreException e) {
      throw e;
    } catch (PersistenceException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof org.hibernate.StaleStateException
            || cause instanceof jakarta.persistence.OptimisticLockException) {
          throw conflict(id, e);
        }
      }
      throw new StoreException(
          "workflow " + id + ": could not save" + where + ": " + e.getMessage(), e);
    }
  }

  /** A run's own transaction, for tasks to write through; the next save point commits it. */
  public EntityManager begin() {
    return store.begin();
  }

  /** Rolls a run's transaction back and closes it. */
  public void discard(EntityManager em) {
    store.discard(em);
  }

  /** The error of a write that found the workflow saved by another engine. */
  public static OwnershipException conflict(UUID id, Exception cause) {
    return new OwnershipException(
        "workflow "
            + id
            + " was saved by another engine since this one last saved it; this engine's"
            + " changes were not written. Load the workflow again to continue from what is stored",
        null,
        null,
        cause);
  }

  // ------------------------------------------------------------------ the workflow row

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
      insertObjects(em, row.id, 0, count, json, now);
    }
  }

  /**
   * Stores a new workflow {@code NEW} with its objects {@code INITIAL}, in one transaction of its
   * own: it is visible (status, queries) before it first runs.
   */
  public void insertNew(WorkflowEntity row, List<String> objects) {
    write(row.id, "", em -> insertNew(em, row, objects.size(), objects::get, row.createdAt));
  }

  /**
   * Stores new workflows as {@link #insertNew(WorkflowEntity, List)} does, all in one transaction:
   * all or none.
   */
  public void insertAll(List<WorkflowEntity> rows, List<List<String>> objects) {
    write(
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
    return read(
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
          return new Reloaded(objectCount(em, row.id), objectStatus(em, row.id, wf.tokenPos));
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
    return store.inTransaction(
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
                          new StoreException(
                              "no workflow with id " + id + "; check the id (flowstate list)"));
          return status;
        });
  }

  // ------------------------------------------------------------------ worker pools

  /**
   * Claims up to {@code limit} runnable workflows for a worker pool, in one transaction (see {@link
   * Dialect#claim}).
   */
  public List<Claim> claim(
      String owner,
      int limit,
      Instant now,
      Instant until,
      Map<String, String> definitions,
      Instant stamp) {
    if (definitions.isEmpty() || limit < 1) {
      return List.of();
    }
    return store.inTransaction(
        em -> dialect.claim(em, owner, limit, now, until, definitions, stamp));
  }

  /** Whether a claim returns what its runs need to start (see {@link Dialect#claimReturnsRows}). */
  public boolean claimReturnsRows() {
    return dialect.claimReturnsRows();
  }

  /**
   * Gives a claimed workflow that did not start back: it names nobody and is free for any pool (due
   * or interrupted as before).
   */
  public void releaseClaim(UUID id, String owner) {
    store.inTransaction(
        em ->
            em.createQuery(
                    "update WorkflowEntity w set w.owner = null, w.leaseUntil = null,"
                        + " w.version = w.version + 1 where w.id = :id and w.owner = :owner")
                .setParameter("id", id)
                .setParameter("owner", owner)
                .executeUpdate());
  }

  /**
   * Gives back a claimed workflow whose claim also started its run ({@link Claim#started()}) but
   * that no thread ran: back to {@code NEW} and due, its first object back to {@code INITIAL}, as
   * before the claim, in one transaction; nothing is left reading RUNNING.
   */
  public void releaseStartedClaim(UUID id, String owner, Instant now) {
    store.inTransaction(
        em -> {
          int released =
              em.createQuery(
                      "update WorkflowEntity w set w.owner = null, w.leaseUntil = null,"
                          + " w.status = :new, w.tokenPos = -1, w.resumeAt = :now,"
                          + " w.version = w.version + 1 where w.id = :id and w.owner = :owner"
                          + " and w.status = :running and w.tokenPos = 0")
                  .setParameter("new", WorkflowStatus.NEW)
                  .setParameter("now", now)
                  .setParameter("id", id)
                  .setParameter("owner", owner)
                  .setParameter("running", WorkflowStatus.RUNNING)
                  .executeUpdate();
          if (released == 1) {
            em.createQuery(
                    "update ObjectEntity o set o.status = :initial, o.version = o.version + 1"
                        + " where o.workflowId = :id and o.pos = 0 and o.status = :running")
                .setParameter("initial", ObjectStatus.INITIAL)
                .setParameter("id", id)
                .setParameter("running", ObjectStatus.RUNNING)
                .executeUpdate();
          }
          return released;
        });
  }

  /**
   * A claimed workflow could not be run: the reason goes to its last_error and the claim is kept
   * until its lease ends, when a pool tries again (the lease is the back-off).
   */
  public void claimFailed(UUID id, String owner, String lastError) {
    store.inTransaction(
        em ->
            em.createQuery(
                    "update WorkflowEntity w set w.lastError = :lastError"
                        + " where w.id = :id and w.owner = :owner")
                .setParameter("lastError", lastError)
                .setParameter("id", id)
                .setParameter("owner", owner)
                .executeUpdate());
  }

  /** Inserts or updates a worker pool's row. */
  public void saveWorker(WorkerEntity worker) {
    store.inTransaction(em -> em.merge(worker));
  }

  /** Deletes the rows of pools that stopped or vanished before {@code before}. */
  public int forgetWorkers(Instant before) {
    return store.inTransaction(
        em ->
            em.createQuery("delete from WorkerEntity k where k.seenAt < :before")
                .setParameter("before", before)
                .executeUpdate());
  }

  /** Who holds a workflow: its row's owner and lease end (both null when nobody does). */
  public record Holder(String owner, Instant leaseUntil) {}

  /** The workflow's owner and lease end; empty if the row is gone. */
  public Optional<Holder> holder(UUID id) {
    return store.withoutTransaction(em -> holder(em, id));
  }

  private static Optional<Holder> holder(EntityManager em, UUID id) {
    return em.createQuery(
            "select new dev.flowstate.db.internal.WorkflowStore$Holder(w.owner, w.leaseUntil)"
                + " from WorkflowEntity w where w.id = :id",
            Holder.class)
        .setParameter("id", id)
        .getResultStream()
        .findFirst();
  }

  /** A fenced update wrote nothing: says why. */
  private void refused(EntityManager em, UUID id, String me, Instant now) {
    Holder stored =
        holder(em, id)
            .orElseThrow(
                () -> new StoreException("workflow " + id + " is no longer in the database"));
    String owner = stored.owner();
    Instant leaseUntil = stored.leaseUntil();
    if (owner != null && !owner.equals(me) && leaseUntil != null && !leaseUntil.isBefore(now)) {
      throw heldBy(id, owner, leaseUntil);
    }
    throw conflict(id, null);
  }

  /** The error of a load, resume or save refused because another engine holds a live lease. */
  public static OwnershipException heldBy(UUID id, String owner, Instant leaseUntil) {
    return new OwnershipException(
        "workflow "
            + id
            + " is held by "
            + owner
            + ", whose lease runs until "
            + leaseUntil
            + ": it is running there. If that process is gone, resume() the workflow once the"
            + " lease has expired",
        owner,
        leaseUntil,
        null);
  }

  /**
   * Renews the leases of running engines, all in one statement (in chunks of a few hundred), in a
   * transaction of its own; versions stay, so each engine's own next save still matches.
   *
   * @param held each workflow's owner as its engine knows it
   * @return the workflows whose row no longer names that owner as running it (taken over, ended)
   */
  public java.util.Set<UUID> renewLeases(Map<UUID, String> held, Instant until) {
    java.util.Set<UUID> lost = new java.util.HashSet<>();
    List<UUID> ids = new java.util.ArrayList<>(held.keySet());
    for (int from = 0; from < ids.size(); from += RENEWAL_CHUNK) {
      List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + RENEWAL_CHUNK));
      java.util.Set<String> owners = new java.util.HashSet<>();
      for (UUID id : chunk) {
        owners.add(held.get(id));
      }
      store.inTransaction(
          em -> {
            int renewed =
                em.createQuery(
                        "update WorkflowEntity w set w.leaseUntil = :until where w.id in :ids"
                            + " and w.owner in :owners and w.status = :running")
                    .setParameter("until", until)
                    .setParameter("ids", chunk)
                    .setParameter("owners", owners)
                    .setParameter("running", WorkflowStatus.RUNNING)
                    .executeUpdate();
            if (renewed < chunk.size()) {
              // rare: find which engines lost their workflow
              java.util.Set<UUID> still = new java.util.HashSet<>();
              for (Object[] row :
                  em.createQuery(
                          "select w.id, w.owner from WorkflowEntity w where w.id in :ids"
                              + " and w.status = :running",
                          Object[].class)
                      .setParameter("ids", chunk)
                      .setParameter("running", WorkflowStatus.RUNNING)
                      .getResultList()) {
                if (row[1] != null && row[1].equals(held.get((UUID) row[0]))) {
                  still.add((UUID) row[0]);
                }
              }
              for (UUID id : chunk) {
                if (!still.contains(id)) {
                  lost.add(id);
                }
              }
            }
            return null;
          });
    }
    return lost;
  }

  private static final int RENEWAL_CHUNK = 500;

  /**
   * Marks a run stalled (since when, in which task), or clears the mark with nulls, while the row
   * names {@code owner} as running it; the version stays, so the run's own next save still matches
   * (and clears it).
   */
  public void markStalled(UUID id, String owner, Instant since, String task) {
    store.inTransaction(
        em ->
            em.createQuery(
                    "update WorkflowEntity w set w.stalledSince = :since, w.stalledTask = :task"
                        + " where w.id = :id and w.owner = :owner and w.status = :running")
                .setParameter("since", since)
                .setParameter("task", task)
                .setParameter("id", id)
                .setParameter("owner", owner)
                .setParameter("running", WorkflowStatus.RUNNING)
                .executeUpdate());
  }

  // ------------------------------------------------------------------ objects

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

  // ------------------------------------------------------------------ reads

  /** The workflow row, or null; Hibernate's exception if a JSON column has the wrong shape. */
  public WorkflowEntity findWorkflow(UUID id) {
    return store.withoutTransaction(em -> em.find(WorkflowEntity.class, id));
  }

  /** The workflow row read in {@code em}, or null. */
  public WorkflowEntity findWorkflow(EntityManager em, UUID id) {
    return em.find(WorkflowEntity.class, id);
  }

  /** The workflow's status alone (it reads even when the JSON columns were spoilt by hand). */
  public Optional<WorkflowStatus> status(UUID id) {
    return store.withoutTransaction(
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
    List<JsonColumns> found = new ArrayList<>(1);
    store.withoutTransaction(
        em -> {
          em.unwrap(Session.class)
              .doWork(
                  connection -> {
                    try (PreparedStatement read =
                        connection.prepareStatement(
                            "SELECT callback_pos, extra_data, halt_payload FROM "
                                + store.table("fs_workflow")
                                + " WHERE id = ?")) {
                      read.setObject(1, id);
                      try (ResultSet r = read.executeQuery()) {
                        if (r.next()) {
                          found.add(
                              new JsonColumns(r.getString(1), r.getString(2), r.getString(3)));
                        }
                      }
                    }
                  });
          return null;
        });
    return found.stream().findFirst();
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

  /**
   * A claimed workflow's row and object count, read with the others of its claim, and the JSON of
   * its objects when it has at most {@link #PRELOADED_OBJECTS} (else null).
   */
  public record Preloaded(WorkflowEntity row, int objects, String[] objectData) {}

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
    store.withoutTransaction(
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
            preloaded.put(row.id, new Preloaded(row, counts.getOrDefault(row.id, 0), objects));
          }
          return null;
        });
    return preloaded;
  }

  private void readSmall(java.sql.Connection connection, List<UUID> ids, Map<UUID, String[]> into)
      throws java.sql.SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT workflow_id, pos, data FROM ")
            .append(store.table("fs_object"))
            .append(" WHERE pos < ? AND workflow_id IN (");
    for (int i = 0; i < ids.size(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    try (PreparedStatement objects = connection.prepareStatement(sql.append(')').toString())) {
      objects.setInt(1, PRELOADED_OBJECTS);
      for (int i = 0; i < ids.size(); i++) {
        objects.setObject(i + 2, ids.get(i));
      }
      try (ResultSet r = objects.executeQuery()) {
        while (r.next()) {
          String[] data = into.get(r.getObject(1, UUID.class));
          int pos = r.getInt(2);
          if (data != null && pos >= 0 && pos < data.length) {
            data[pos] = r.getString(3);
          }
        }
      }
    }
  }

  /** {@link #objectCount(EntityManager, UUID)} in a read of its own. */
  public int objectCount(UUID id) {
    return store.withoutTransaction(em -> objectCount(em, id));
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
    return store.withoutTransaction(
        em -> {
          int[] rows = {0};
          em.unwrap(Session.class)
              .doWork(
                  connection -> {
                    try (PreparedStatement page =
                        connection.prepareStatement(
                            "SELECT pos, data FROM "
                                + store.table("fs_object")
                                + " WHERE workflow_id = ? AND pos >= ? AND pos < ?"
                                + " ORDER BY pos")) {
                      page.setObject(1, id);
                      page.setInt(2, start);
                      page.setInt(3, start + into.length);
                      try (ResultSet r = page.executeQuery()) {
                        while (r.next()) {
                          int pos = r.getInt(1);
                          if (pos - start < into.length) {
                            into[pos - start] = r.getString(2);
                            rows[0]++;
                          }
                        }
                      }
                    }
                  });
          return rows[0];
        });
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
    return store.withoutTransaction(
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
    store.withoutTransaction(
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

  /**
   * How many running workflows have no live lease at {@code now} (their process died or handed them
   * back; a pool takes them over), and how many are marked stalled: one query.
   */
  public long[] stuckCounts(Instant now) {
    Object[] counts =
        store.withoutTransaction(
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
    return new long[] {((Number) counts[0]).longValue(), ((Number) counts[1]).longValue()};
  }

  /** The version of the latest migration applied to flowstate's schema, if any. */
  public java.util.Optional<String> schemaVersion() {
    return store.withoutTransaction(
        em ->
            em.createNativeQuery(
                    // Flyway quotes its lowercase names (H2 would look for upper case)
                    "SELECT \"version\" FROM "
                        + store.table("\"fs_schema_history\"")
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
    store.withoutTransaction(
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
    return store.withoutTransaction(
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
    return store.withoutTransaction(
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

  /** The database's current time (CURRENT_TIMESTAMP), read outside any transaction. */
  public Instant databaseTime() {
    return store.withoutTransaction(
        em ->
            em.unwrap(Session.class)
                .doReturningWork(
                    connection -> {
                      try (PreparedStatement read =
                              connection.prepareStatement("SELECT CURRENT_TIMESTAMP");
                          ResultSet r = read.executeQuery()) {
                        r.next();
                        return r.getObject(1, java.time.OffsetDateTime.class).toInstant();
                      }
                    }));
  }

  /** Runs reads in one entity manager without a transaction. */
  public <R> R read(java.util.function.Function<EntityManager, R> work) {
    return store.withoutTransaction(work);
  }
}
