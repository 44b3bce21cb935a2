package dev.flowstate.db;

import dev.flowstate.db.internal.EndedBy;
import dev.flowstate.db.internal.ObjectEnd;
import dev.flowstate.db.internal.WorkflowEntity;
import dev.flowstate.engine.EngineHooks;
import dev.flowstate.engine.EngineState;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.migrations.Columns;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.MDC;

/*
 * The save points of SEMANTICS §7 as hooks of the core engine: what is saved at which moment of an
 * ordinary run (its start, each object's start and end, its end); the other ends of an object's
 * run are SaveTransitions', a failed save SaveFailures', and the writes RowState's.
 *
 * How an object ended is first noted in the row's state; a commit writes the ended objects, the
 * workflow row (always, with a version check: that is what detects a second engine) and, in
 * durable mode, marks the next object RUNNING. Durable mode (checkpointEvery = 1) commits at every
 * save point, except that "after object i" and "before object i+1" are one commit: nothing runs
 * between them. Checkpoint mode (checkpointEvery = N > 1) commits every N ended objects, and at
 * halt, error and run end; only the first object of a run is marked RUNNING.
 *
 * A RUNNING row always tells where an interrupted run resumes (SEMANTICS §8): its token_pos is
 * either an object marked RUNNING, whose run began at the row's callback_pos, or the last object
 * that ended, after which the next one starts from its first task. Every run marks its first
 * object RUNNING with the position it starts at, so an object resumed after a halt at its third
 * task never reruns tasks one to three.
 */
final class SavePoints<T> implements EngineHooks<T> {

  static final List<Integer> FIRST_TASK = List.of(0);

  final UUID id;
  final String definitionName;
  private final Clock clock;
  final Leases leases;
  private final StoreEvents events;
  final StoredJson json;

  /** When the running task began (System.nanoTime), while a FlowstateListener times tasks. */
  private long taskStarted;

  /** What the heartbeat and a closing pool see of the run. */
  final RunWatch watch;

  /** The run's own transaction, for tasks to write through (DbWorkflowEngine.connection). */
  final RunTransaction transaction;

  /** The workflow row, the objects ended since the last commit, and the writes that carry them. */
  final RowState state;

  /** The workflow row as this engine last stored it, or is about to. */
  final WorkflowEntity row;

  int checkpointEvery = 1;

  /**
   * Told of an object that cannot be read, with the position the run moves to: set by the table of
   * the run's other ends (halt, failure, stop, abort, skip, continue, jump), which saves it as a
   * failure.
   */
  java.util.function.ObjIntConsumer<StoreException> unreadable = (problem, index) -> {};

  List<? extends T> objects = List.of();
  WorkflowEngine<T> engine;
  boolean inRun;

  /** The object that the last commit marked RUNNING ahead of its "before object". */
  private int markedRunning = -1;

  /** The object whose row reads RUNNING, or -1. */
  int markedAt = -1;

  /** The status of object {@link #markedAt} before this run marked it RUNNING. */
  ObjectStatus statusBefore;

  /**
   * What a failed save of this run threw, already recorded, so onError does not record it again.
   */
  RuntimeException recorded;

  private Instant startedAt;
  String endedBy;
  boolean aborted;

  /**
   * Whether a worker pool's claim wrote this run's first save point (a NEW workflow marked RUNNING
   * at object 0, object 0 RUNNING): the run begins without writing it again. Set by the load of a
   * claimed workflow, before its run.
   */
  boolean startedByClaim;

  /**
   * @param owner the owner to run as (a pool's claim), or null for a new one
   */
  SavePoints(WorkflowEntity row, RunSettings run, String owner) {
    this.events = run.events();
    this.row = row;
    this.id = row.id;
    this.definitionName = row.definitionName;
    this.clock = run.clock();
    this.leases = run.leases();
    this.json = new StoredJson(id, run.mapper(), run.maxDataLength());
    this.watch = new RunWatch(id, definitionName, owner == null ? leases.newOwner() : owner);
    this.transaction = new RunTransaction(run.tables().sessions(), run.binding());
    this.state = new RowState(row, run, transaction, watch);
  }

  @Override
  public void beforeEachCallback(WorkflowEngine<T> engine, Task<T> task, T obj) {
    MDC.put(RunLogs.TASK, task.name());
    taskStarted = events.active() ? System.nanoTime() : 0;
    transaction.taskStarts(engine); // a round trip only while the run's transaction is open
  }

  @Override
  public void afterEachCallback(WorkflowEngine<T> engine, Task<T> task, T obj, Throwable thrown) {
    transaction.taskEnds(thrown);
    if (taskStarted != 0) {
      long nanos = System.nanoTime() - taskStarted;
      events.tell("taskEnded", l -> l.taskEnded(StoreEvents.any(engine), task.name(), nanos));
    }
  }

  // ------------------------------------------------------------------ hooks

  @Override
  public void beforeProcessing(WorkflowEngine<T> engine, List<? extends T> objects) {
    boolean claimed = startedByClaim;
    startedByClaim = false;
    endedBy = null;
    aborted = false;
    markedRunning = -1;
    markedAt = -1;
    recorded = null;
    state.forgetPending();
    EngineState position = engine.state();
    int first = position.tokenPos() + 1;
    boolean marks = first >= 0 && first < objects.size();
    if (objects instanceof StoredObjects && marks) {
      objects.get(first); // a row that cannot be read fails here, before anything is written
    }
    Map<String, Object> extra = json.extraData(engine.extraData());
    RowState.Before before = state.before();
    watch.unfence();
    if (claimed && first == 0 && marks && objects instanceof StoredObjects) {
      // the claim committed this save point: the row says RUNNING at object 0, object 0 RUNNING
      statusBefore = ObjectStatus.INITIAL;
      row.extraData = extra;
      markedRunning = first;
      markedAt = first;
      started(engine, objects, WorkflowStatus.NEW);
      return;
    }
    row.status = WorkflowStatus.RUNNING;
    row.endedBy = null;
    // the run holds its workflow from its first transaction on (SEMANTICS §8)
    row.owner = watch.owner;
    row.leaseUntil = leases.until();
    row.resumeAt = null; // a run takes up any request to resume it
    row.haltMessage = null;
    row.haltAction = null;
    row.haltPayload = null;
    row.lastError = null;
    row.extraData = extra;
    // the row tells where an interrupted run resumes: its first object, where its run begins
    row.tokenPos = marks ? first : position.tokenPos();
    row.callbackPos = position.callbackPos();
    row.modifiedAt = clock.instant();
    ObjectStatus marked;
    try {
      marked =
          state.start(
              engine,
              objects.size(),
              objects instanceof StoredObjects ? null : i -> json.object(objects.get(i), i),
              marks ? first : -1);
    } catch (RuntimeException e) {
      state.undo(before); // nothing was written: the row is as it was before this run
      throw e;
    }
    if (marks) {
      statusBefore = marked;
      markedRunning = first;
      markedAt = first;
    }
    started(engine, objects, before.status());
  }

  /** The run is under way: its first save point is committed. */
  private void started(
      WorkflowEngine<T> engine, List<? extends T> objects, WorkflowStatus statusBeforeRun) {
    this.objects = objects;
    this.engine = engine;
    inRun = true;
    watch.started(engine);
    leases.running(watch);
    boolean interrupted = statusBeforeRun == WorkflowStatus.RUNNING;
    events.tell("runStarted", l -> l.runStarted(StoreEvents.any(engine), interrupted));
  }

  @Override
  public void beforeObject(WorkflowEngine<T> engine, T obj) {
    watch.progressed();
    int index = engine.state().tokenPos();
    MDC.put(RunLogs.OBJECT, Integer.toString(index));
    MDC.remove(RunLogs.TASK);
    startedAt = clock.instant();
    transaction.objectStarts();
    if (markedRunning == index) {
      markedRunning = -1; // marked by the commit that started the run or ended the previous object
      return;
    }
    markedRunning = -1;
    if (checkpointEvery > 1) {
      return;
    }
    commitOrFail(
        engine,
        index,
        "the start of object " + index,
        null,
        () -> {
          positions(engine);
          commit(engine, index);
          markedAt = index;
        });
  }

  @Override
  public void afterObject(WorkflowEngine<T> engine, T obj) {
    completed(engine, obj, "COMPLETED");
  }

  /** The object ended COMPLETED and the run goes on with the next one. */
  void completed(WorkflowEngine<T> engine, T obj, String outcome) {
    int index = engine.state().tokenPos();
    commitObjectOrFail(
        engine,
        index,
        () ->
            movedOn(
                engine,
                ended(
                    index, ObjectStatus.COMPLETED, json.object(obj, index), null, null, outcome)));
  }

  @Override
  public void afterProcessing(WorkflowEngine<T> engine, List<? extends T> objects) {
    inRun = false;
    // an abort puts its object back as it was, so even on the last object the run is not complete;
    // a run over no object has nothing left to do
    boolean completed = !aborted && (engine.hasCompleted() || objects.isEmpty());
    row.status = completed ? WorkflowStatus.COMPLETED : WorkflowStatus.HALTED;
    row.endedBy = completed ? null : aborted ? EndedBy.ABORT : EndedBy.STOP;
    row.haltMessage = completed ? null : Columns.cut(endedBy, Columns.HALT_MESSAGE);
    int index = engine.state().tokenPos();
    commitOrFail(
        engine, index, "the end of the run at object " + index, null, () -> commitRunState(engine));
  }

  // ------------------------------------------------------------------ failed saves

  /** {@link #commitOrFail} for the end of object {@code index}: completed, jumped or skipped. */
  void commitObjectOrFail(WorkflowEngine<T> engine, int index, Runnable save) {
    commitOrFail(engine, index, "object " + index, null, save);
  }

  /**
   * Runs a save of this run; if it fails, records the failure (see {@link #saveFailed}) and throws
   * what the caller of the run gets.
   *
   * @param what what was being saved, for the messages
   * @param original the halt or task failure being saved, or null; attached to what is thrown
   */
  void commitOrFail(
      WorkflowEngine<T> engine, int index, String what, Throwable original, Runnable save) {
    watch.progressed();
    try {
      save.run();
    } catch (Yielded handedBack) {
      throw handedBack; // saved: the run ends here by request
    } catch (RuntimeException | StackOverflowError failure) {
      throw saveFailed(index, what, failure, original);
    }
  }

  /** A save of this run failed: {@link SaveFailures} records it; the run is over. */
  private RuntimeException saveFailed(
      int index, String what, Throwable failure, Throwable original) {
    inRun = false;
    markedRunning = -1;
    markedAt = -1;
    recorded = SaveFailures.record(state, engine, index, what, failure, original);
    return recorded;
  }

  /**
   * The row made a new workflow's ({@code NEW}, before its first object, created now) and its
   * objects' JSON, checked as a save checks them; nothing is written yet.
   */
  List<String> prepareNew(List<? extends T> objects) {
    state.markNew(FIRST_TASK);
    return json.objects(objects);
  }

  // ------------------------------------------------------------------ helpers

  ObjectEnd ended(
      int index,
      ObjectStatus status,
      String data,
      List<Integer> callbackPos,
      String errorText,
      String outcome) {
    WorkflowEngine<T> running = engine;
    if (running != null) {
      events.tell("objectEnded", l -> l.objectEnded(StoreEvents.any(running), outcome));
    }
    return new ObjectEnd(
        index, status, data, callbackPos, errorText, startedAt, clock.instant(), outcome);
  }

  /**
   * The object ended and the next one follows: durable mode commits it together with marking the
   * next object RUNNING; checkpoint mode commits when N objects are pending; the last object is
   * committed with the run's end.
   */
  void movedOn(WorkflowEngine<T> engine, ObjectEnd ended) {
    state.ended(ended);
    int index = ended.pos();
    boolean yielding = watch.yieldRequested() && index + 1 < objects.size();
    if (checkpointEvery > 1 && !yielding) {
      // the last object's checkpoint is the run's end, which follows at once: one commit, not two
      if (state.pending() >= checkpointEvery && index + 1 < objects.size()) {
        row.tokenPos = index;
        row.callbackPos = FIRST_TASK;
        commit(engine, -1);
      }
      return;
    }
    int next = index + 1;
    if (next < objects.size()) {
      row.tokenPos = next;
      row.callbackPos = FIRST_TASK;
      if (yielding) {
        // as a crash would leave it, minus the wait: RUNNING at the next object, which has not
        // begun, with nobody holding it
        row.extraData = json.extraData(engine.extraData());
        state.release();
      }
      commit(engine, next);
      markedRunning = next;
      markedAt = next;
      if (yielding) {
        inRun = false;
        leases.ended(watch);
        recorded = new Yielded(id, next);
        throw recorded;
      }
    }
    // the last object: the run's end follows at once (afterProcessing) and commits it with the
    // workflow's end, one transaction where two would save nothing more
  }

  /** One transaction: the workflow row, the pending objects, the object to mark RUNNING. */
  void commit(WorkflowEngine<T> engine, int markRunning) {
    ObjectStatus before = state.commit(engine, markRunning);
    if (markRunning >= 0) {
      statusBefore = before;
    }
  }

  private void positions(WorkflowEngine<T> engine) {
    EngineState state = engine.state(); // a copy each call: take one
    row.tokenPos = state.tokenPos();
    row.callbackPos = state.callbackPos();
  }

  /** The run stops here (halt, error, end): extra data and positions with it, one commit. */
  void commitRunState(WorkflowEngine<T> engine) {
    row.extraData = json.extraData(engine.extraData());
    positions(engine);
    state.release();
    commit(engine, -1);
    leases.ended(watch);
    WorkflowStatus stored = row.status;
    events.tell("runEnded", l -> l.runEnded(StoreEvents.any(engine), stored));
  }
}
