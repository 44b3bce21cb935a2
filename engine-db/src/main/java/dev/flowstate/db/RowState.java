package dev.flowstate.db;

import dev.flowstate.db.internal.EndedBy;
import dev.flowstate.db.internal.ObjectEnd;
import dev.flowstate.db.internal.Ownership;
import dev.flowstate.db.internal.Tables;
import dev.flowstate.db.internal.WorkflowEntity;
import dev.flowstate.engine.WorkflowEngine;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * A workflow row as this engine last stored it (or is about to), the objects that ended since the
 * last commit, and the writes that carry them: every save point is one transaction, committed in
 * the run's own transaction (so tasks' writes land with it), its workflow update fenced by version
 * and owner. What is saved at which moment is {@link SavePoints}'s; how it reaches the database is
 * here.
 */
final class RowState {

  /** The workflow row as this engine last stored it, or is about to. */
  final WorkflowEntity row;

  final Tables tables;
  private final Clock clock;
  private final boolean history;
  final Leases leases;
  final StoreEvents events;
  final RunTransaction transaction;
  final RunWatch watch;
  private final ArrayList<ObjectEnd> pending = new ArrayList<>();

  RowState(WorkflowEntity row, RunSettings run, RunTransaction transaction, RunWatch watch) {
    this.row = row;
    this.tables = run.tables();
    this.clock = run.clock();
    this.history = run.history();
    this.leases = run.leases();
    this.events = run.events();
    this.transaction = transaction;
    this.watch = watch;
  }

  /** An object ended: it is written by the next commit. */
  void ended(ObjectEnd ended) {
    pending.add(ended);
  }

  /** How many ended objects wait for a commit. */
  int pending() {
    return pending.size();
  }

  /** The ended objects are not to be written (a failed save: the rows keep their last commit). */
  void forgetPending() {
    pending.clear();
  }

  /**
   * One transaction: the workflow row, the pending objects, the object to mark RUNNING.
   *
   * @return the status object {@code markRunning} had before, or null if none was marked
   */
  ObjectStatus commit(WorkflowEngine<?> engine, int markRunning) {
    row.modifiedAt = clock.instant();
    if (row.owner != null) {
      row.leaseUntil = leases.until(); // every save renews the lease
    }
    ObjectStatus[] before = {null};
    try {
      save(
          engine,
          em ->
              before[0] =
                  tables
                      .workflows()
                      .commit(em, row, watch.owner, leases.now(), pending, history, markRunning));
    } finally {
      pending.clear();
    }
    return before[0];
  }

  /**
   * The first save point of a run: the workflow row as the run starts, objects the run was given
   * that are not stored yet, and the object to mark RUNNING with the ended ones (none yet).
   *
   * @param json the JSON of each new object, by position
   * @return the status object {@code markRunning} had before, or null if none was marked
   */
  ObjectStatus start(
      WorkflowEngine<?> engine, int objects, IntFunction<String> json, int markRunning) {
    Instant now = row.modifiedAt;
    ObjectStatus[] before = {null};
    save(
        engine,
        em -> {
          tables.workflows().updateWorkflow(em, row, watch.owner, leases.now());
          if (json != null) {
            insertNewObjects(em, objects, json, now);
          }
          if (markRunning >= 0) {
            before[0] =
                tables
                    .objects()
                    .writeObjects(em, row.id, pending, history, markRunning, row.modifiedAt);
          }
        });
    return before[0];
  }

  private void insertNewObjects(
      EntityManager em, int objects, IntFunction<String> json, Instant now) {
    long storedCount = tables.objects().countObjects(em, row.id);
    if (objects < storedCount) {
      throw new IllegalArgumentException(
          "workflow "
              + row.id
              + " has "
              + storedCount
              + " stored objects, but this run was given "
              + objects
              + ": the objects given to a run stand for the stored ones, position by position, so"
              + " a shorter list would leave the others unprocessed. Give all "
              + storedCount
              + " (a longer list appends objects), or resume() to run the stored ones");
    }
    tables.objects().insertObjects(em, row.id, (int) storedCount, objects, json, now);
  }

  /** Every object back to its source data and INITIAL, with the workflow row: one transaction. */
  void resetToSource(WorkflowEngine<?> engine) {
    Instant now = clock.instant();
    row.modifiedAt = now;
    save(
        engine,
        em -> {
          tables.workflows().updateWorkflow(em, row, watch.owner, leases.now());
          tables.objects().resetToSource(em, row.id, now);
        });
  }

  /** The row of a workflow about to be stored: NEW, before its first object, created now. */
  void markNew(List<Integer> firstTask) {
    Instant now = clock.instant();
    row.status = WorkflowStatus.NEW;
    row.tokenPos = -1;
    row.callbackPos = firstTask;
    row.createdAt = now;
    row.modifiedAt = now;
  }

  /** One save point: one transaction; on success the version this engine now expects. */
  private void save(WorkflowEngine<?> engine, Consumer<EntityManager> work) {
    if (watch.fenced()) {
      transaction.discard();
      Ownership.Holder holder = tables.ownership().holder(row.id).orElse(null);
      String newOwner = holder == null ? null : holder.owner();
      Instant until = holder == null ? null : holder.leaseUntil();
      throw new OwnershipException(
          "workflow "
              + row.id
              + ": this engine ("
              + watch.owner
              + ") was fenced out: its lease expired while it did not save (a long pause?) and"
              + " another engine took the workflow over"
              + (newOwner == null ? "" : " (" + newOwner + ", lease until " + until + ")")
              + "; this engine writes nothing more. Its work since its last save was not"
              + " stored; the other engine's run counts",
          newOwner,
          until,
          null);
    }
    EntityManager open = transaction.take();
    long started = engine != null && events.active() ? System.nanoTime() : 0;
    try {
      tables
          .sessions()
          .write(
              open, row.id, engine == null ? "" : " at object " + engine.state().tokenPos(), work);
    } catch (RuntimeException | Error e) {
      transaction.ended(false);
      throw e;
    }
    transaction.ended(true);
    row.version++;
    if (started != 0) {
      long nanos = System.nanoTime() - started;
      events.tell("saved", l -> l.saved(StoreEvents.any(engine), nanos));
    }
  }

  /** Every end of a run (halt, error, completion, stop, abort) releases the workflow. */
  void release() {
    row.owner = null;
    row.leaseUntil = null;
  }

  /** What a run's first save point changes in the row, to put back when it is not written. */
  record Before(WorkflowStatus status, EndedBy endedBy, String owner, Instant leaseUntil) {}

  Before before() {
    return new Before(row.status, row.endedBy, row.owner, row.leaseUntil);
  }

  /** The first save point was not written: the row is as it was before the run. */
  void undo(Before before) {
    row.status = before.status();
    row.endedBy = before.endedBy();
    row.owner = before.owner();
    row.leaseUntil = before.leaseUntil();
  }
}
