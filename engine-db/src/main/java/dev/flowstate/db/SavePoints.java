package dev.flowstate.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.EndedBy;
import dev.flowstate.db.internal.ObjectEnd;
import dev.flowstate.db.internal.WorkflowEntity;
import dev.flowstate.db.internal.WorkflowStore;
import dev.flowstate.engine.EngineHooks;
import dev.flowstate.engine.EngineState;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.TransitionTable;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import dev.flowstate.migrations.Columns;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/*
 * The save points of SEMANTICS §7, as hooks and a transition table of the core engine.
 *
 * How an object ended is first noted in `pending`; a commit writes the pending objects, the
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
 *
 * Failures: a task's exception is saved as an ERROR at the failed task. A save that fails (data
 * that cannot be written, a constraint, a lost connection) is saved, in a fresh transaction, as
 * an ERROR with ended_by SAVE_ERROR that keeps the positions of the last commit and turns the
 * RUNNING object ERROR; only when even that fails does the caller get a StoreException, and the
 * rows read RUNNING: the interrupted case.
 */
final class SavePoints<T> implements EngineHooks<T>, TransitionTable<T> {

  private static final Logger LOG = LoggerFactory.getLogger(SavePoints.class);
  private static final List<Integer> FIRST_TASK = List.of(0);

  final UUID id;
  final String definitionName;
  private final WorkflowStore store;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final boolean history;
  private final int maxDataLength;
  private final Leases leases;
  private final StoreEvents events;

  /** When the running task began (System.nanoTime), while a FlowstateListener times tasks. */
  private long taskStarted;

  /** This engine as the workflow row's owner names it while a run holds the workflow. */
  final String owner;

  /** Set when the heartbeat found the workflow taken over by another engine. */
  private volatile boolean fenced;

  private volatile boolean yieldRequested;

  /** The run's own transaction, for tasks to write through (DbWorkflowEngine.connection). */
  private final RunTransaction transaction;

  /** The workflow row as this engine last stored it, or is about to. */
  final WorkflowEntity row;

  int checkpointEvery = 1;

  private final ArrayList<ObjectEnd> pending = new ArrayList<>();
  private List<? extends T> objects = List.of();
  private WorkflowEngine<T> engine;
  private boolean inRun;

  /** The object that the last commit marked RUNNING ahead of its "before object". */
  private int markedRunning = -1;

  /** The object whose row reads RUNNING, or -1. */
  private int markedAt = -1;

  /** The status of object {@link #markedAt} before this run marked it RUNNING. */
  private ObjectStatus statusBefore;

  /**
   * What a failed save of this run threw, already recorded, so onError does not record it again.
   */
  private RuntimeException recorded;

  private Instant startedAt;
  private String endedBy;
  private boolean aborted;

  /** When the run last reached a save point (System.nanoTime), read by the heartbeat's thread. */
  private volatile long progressNanos;

  /** The thread running this engine's run, for the stack of a stalled run's warning. */
  private volatile Thread runner;

  /**
   * Whether a worker pool's claim wrote this run's first save point (a NEW workflow marked RUNNING
   * at object 0, object 0 RUNNING): the run begins without writing it again.
   */
  boolean startedByClaim;

  /** Whether the heartbeat marked this run stalled (heartbeat's thread only). */
  boolean markedStalled;

  SavePoints(
      WorkflowEntity row,
      WorkflowStore store,
      ObjectMapper mapper,
      Clock clock,
      boolean history,
      int maxDataLength,
      Leases leases,
      StoreEvents events,
      String owner,
      TransactionBinding binding) {
    this.events = events;
    this.row = row;
    this.id = row.id;
    this.definitionName = row.definitionName;
    this.store = store;
    this.mapper = mapper;
    this.clock = clock;
    this.history = history;
    this.maxDataLength = maxDataLength;
    this.leases = leases;
    this.owner = owner == null ? leases.newOwner() : owner;
    this.transaction = new RunTransaction(store, binding);
  }

  /**
   * The run's own transaction, begun when a task first asks: what tasks write through it commits
   * with the save point that ends their object (or checkpoint), and rolls back with a failure, an
   * abort or a skip of their object, a crash, or a fenced-out save.
   */
  EntityManager runTransaction() {
    if (!inRun) {
      throw new IllegalStateException(
          "workflow "
              + id
              + " has no run transaction now: tasks get it while they run, from the engine they"
              + " were given");
    }
    return transaction.get();
  }

  @Override
  public void beforeEachCallback(WorkflowEngine<T> engine, Task<T> task, T obj) {
    MDC.put(StoredEngine.MDC_TASK, task.name());
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

  /**
   * Asks the run to hand its workflow back at its next save point between two objects (a worker
   * pool shutting down): that commit also releases the workflow, left RUNNING with no owner, so any
   * pool takes it over at once and resumes with the next object; the run then ends with {@link
   * Yielded}.
   */
  void requestYield() {
    yieldRequested = true;
  }

  /** How long the run has been without a save point, in nanoseconds (heartbeat's thread). */
  long sinceProgress(long nowNanos) {
    return nowNanos - progressNanos;
  }

  /** Where the run is now: its task, and the stack of its thread (heartbeat's thread, racy). */
  String where() {
    WorkflowEngine<T> running = engine;
    try {
      return "object " + running.state().tokenPos() + ", task " + running.currentTaskName();
    } catch (RuntimeException racing) {
      return "a task";
    }
  }

  /** The task the run is in now, as well as another thread can tell, or null. */
  String currentTask() {
    try {
      return engine == null ? null : engine.currentTaskName();
    } catch (RuntimeException racing) {
      return null;
    }
  }

  Thread runner() {
    return runner;
  }

  /** The heartbeat found the row taken over: the next save point writes nothing. */
  void fencedOut() {
    fenced = true;
  }

  // ------------------------------------------------------------------ hooks

  /** See {@link #startedByClaim}: set by the load of a claimed workflow, before its run. */
  void startedByClaim() {
    startedByClaim = true;
  }

  @Override
  public void beforeProcessing(WorkflowEngine<T> engine, List<? extends T> objects) {
    boolean claimed = startedByClaim;
    startedByClaim = false;
    endedBy = null;
    aborted = false;
    markedRunning = -1;
    markedAt = -1;
    recorded = null;
    pending.clear();
    EngineState state = engine.state();
    int first = state.tokenPos() + 1;
    boolean marks = first >= 0 && first < objects.size();
    if (objects instanceof StoredObjects && marks) {
      objects.get(first); // a row that cannot be read fails here, before anything is written
    }
    Map<String, Object> extra = extraData(engine);
    Instant now = clock.instant();
    WorkflowStatus statusBeforeRun = row.status;
    EndedBy endedByBeforeRun = row.endedBy;
    String ownerBeforeRun = row.owner;
    Instant leaseBeforeRun = row.leaseUntil;
    fenced = false;
    if (claimed && first == 0 && marks && objects instanceof StoredObjects) {
      // the claim committed this save point: the row says RUNNING at object 0, object 0 RUNNING
      statusBeforeRun = WorkflowStatus.NEW;
      statusBefore = ObjectStatus.INITIAL;
      row.extraData = extra;
      markedRunning = first;
      markedAt = first;
      started(engine, objects, statusBeforeRun);
      return;
    }
    row.status = WorkflowStatus.RUNNING;
    row.endedBy = null;
    // the run holds its workflow from its first transaction on (SEMANTICS §8)
    row.owner = owner;
    row.leaseUntil = leases.until();
    row.resumeAt = null; // a run takes up any request to resume it
    row.haltMessage = null;
    row.haltAction = null;
    row.haltPayload = null;
    row.lastError = null;
    row.extraData = extra;
    // the row tells where an interrupted run resumes: its first object, where its run begins
    row.tokenPos = marks ? first : state.tokenPos();
    row.callbackPos = state.callbackPos();
    row.modifiedAt = now;
    try {
      save(
          engine,
          em -> {
            store.updateWorkflow(em, row, owner, leases.now());
            if (!(objects instanceof StoredObjects)) {
              insertNewObjects(em, objects, now);
            }
            if (marks) {
              writeObjects(em, first);
            }
          });
    } catch (RuntimeException e) {
      // nothing was written: the row is as it was before this run
      row.status = statusBeforeRun;
      row.endedBy = endedByBeforeRun;
      row.owner = ownerBeforeRun;
      row.leaseUntil = leaseBeforeRun;
      throw e;
    }
    if (marks) {
      markedRunning = first;
      markedAt = first;
    }
    started(engine, objects, statusBeforeRun);
  }

  /** The run is under way: its first save point is committed. */
  private void started(
      WorkflowEngine<T> engine, List<? extends T> objects, WorkflowStatus statusBeforeRun) {
    this.objects = objects;
    this.engine = engine;
    inRun = true;
    runner = Thread.currentThread();
    progressNanos = System.nanoTime();
    markedStalled = false;
    leases.running(this);
    boolean interrupted = statusBeforeRun == WorkflowStatus.RUNNING;
    events.tell("runStarted", l -> l.runStarted(StoreEvents.any(engine), interrupted));
  }

  @Override
  public void beforeObject(WorkflowEngine<T> engine, T obj) {
    progressNanos = System.nanoTime();
    int index = engine.state().tokenPos();
    MDC.put(StoredEngine.MDC_OBJECT, Integer.toString(index));
    MDC.remove(StoredEngine.MDC_TASK);
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
  private void completed(WorkflowEngine<T> engine, T obj, String outcome) {
    int index = engine.state().tokenPos();
    commitOrFail(
        engine,
        index,
        "object " + index,
        null,
        () ->
            movedOn(
                engine,
                ended(index, ObjectStatus.COMPLETED, json(obj, index), null, null, outcome)));
  }

  @Override
  public void afterProcessing(WorkflowEngine<T> engine, List<? extends T> objects) {
    inRun = false;
    // an abort puts its object back as it was, so even on the last object the run is not complete;
    // a run over no object has nothing left to do
    boolean completed = !aborted && (engine.hasCompleted() || objects.isEmpty());
    row.status = completed ? WorkflowStatus.COMPLETED : WorkflowStatus.HALTED;
    row.endedBy = completed ? null : aborted ? EndedBy.ABORT : EndedBy.STOP;
    row.haltMessage = completed ? null : cut(endedBy, Columns.HALT_MESSAGE);
    int index = engine.state().tokenPos();
    commitOrFail(
        engine, index, "the end of the run at object " + index, null, () -> commitRunState(engine));
  }

  // ------------------------------------------------------------------ transitions

  @Override
  public Next onHalt(WorkflowEngine<T> engine, T obj, HaltProcessing halt) {
    inRun = false;
    int index = engine.state().tokenPos();
    String task = engine.currentTaskName();
    List<Integer> callbackPos = engine.state().callbackPos();
    commitOrFail(
        engine,
        index,
        "the halt at task " + task + " (\"" + halt.message() + "\") on object " + index,
        halt,
        () -> {
          JsonNode payload = payload(halt.payload());
          pending.add(
              ended(index, ObjectStatus.HALTED, json(obj, index), callbackPos, null, "HALTED"));
          row.status = WorkflowStatus.HALTED;
          // a retry is due after its delay: a worker pool resumes it then, running the task again
          row.endedBy = halt.retryAfter() == null ? EndedBy.HALT : EndedBy.RETRY;
          row.resumeAt = halt.retryAfter() == null ? null : leases.now().plus(halt.retryAfter());
          row.haltMessage = cut(halt.message(), Columns.HALT_MESSAGE);
          row.haltAction = cut(halt.action(), Columns.HALT_ACTION);
          row.haltPayload = payload;
          commitRunState(engine);
        });
    LOG.warn(
        "workflow {} halted at object {}, task {} {}: {}",
        id,
        index,
        task,
        callbackPos,
        halt.message());
    throw halt;
  }

  @Override
  public Next onError(WorkflowEngine<T> engine, T obj, Throwable error) {
    if (error == recorded) {
      throw recorded; // a failed save of this run, already recorded where it failed
    }
    transaction.undoTask(); // the failed task's writes go; earlier tasks' commit with the error
    inRun = false;
    int index = engine.state().tokenPos();
    String task = engine.currentTaskName();
    String text = errorText(error);
    commitOrFail(
        engine,
        index,
        "the failure of task " + task + " (" + text + ") on object " + index,
        error,
        () -> {
          // the data as the failed task left it: resume() runs that task again on it
          String data = obj == null ? null : json(obj, index);
          pending.add(
              ended(
                  index,
                  ObjectStatus.ERROR,
                  data,
                  engine.state().callbackPos(),
                  cut(text, Columns.ERROR_TEXT),
                  "ERROR"));
          row.status = WorkflowStatus.ERROR;
          row.endedBy = EndedBy.ERROR;
          row.lastError =
              cut("task " + task + " on object " + index + ": " + text, Columns.LAST_ERROR);
          commitRunState(engine);
        });
    // one line per failed run, wherever it runs (a worker pool logs nothing more of it)
    LOG.warn(
        "workflow {} ({}) failed at object {}, task {} {}: {}",
        id,
        definitionName,
        index,
        task,
        engine.state().callbackPos(),
        text,
        error);
    WorkflowError failed =
        error instanceof WorkflowError known && id.toString().equals(known.workflowId())
            ? known
            : new WorkflowError(
                "workflow " + id + " failed at object " + index + ", task " + task + ": " + text,
                id.toString(),
                index,
                null,
                error);
    // the core engine goes on with the next object after a WorkflowError or a checked exception
    // when stopOnError is false, and stops at any other exception: so does this one
    if (error instanceof WorkflowError
        || !(error instanceof RuntimeException || error instanceof Error)) {
      throw failed;
    }
    throw new TaskFailed(failed);
  }

  /**
   * A task's error as stored and reported: a WorkflowError by its message, others with their type.
   */
  static String errorText(Throwable error) {
    return error instanceof WorkflowError && error.getMessage() != null
        ? error.getMessage()
        : String.valueOf(error);
  }

  @Override
  public Next onStop(WorkflowEngine<T> engine, T obj) {
    int index = engine.state().tokenPos();
    endedBy = "stopped by task " + engine.currentTaskName() + " on object " + index;
    commitOrFail(
        engine,
        index,
        "the stop on object " + index,
        null,
        // the run's end follows at once and commits this object with the workflow's end, in one
        // transaction (afterProcessing): nothing runs in between that a crash could split
        () ->
            pending.add(
                ended(index, ObjectStatus.COMPLETED, json(obj, index), null, null, "STOPPED")));
    return Next.END_RUN;
  }

  @Override
  public Next onAbort(WorkflowEngine<T> engine, T obj) {
    int index = engine.state().tokenPos();
    aborted = true;
    transaction.undoObject();
    endedBy = "aborted by task " + engine.currentTaskName() + " on object " + index;
    // an object this run did not mark RUNNING still has the status it had before this run
    ObjectStatus back = markedAt == index ? statusBefore : null;
    commitOrFail(
        engine,
        index,
        "the abort of object " + index,
        null,
        () -> pending.add(ended(index, back, null, null, null, "ABORTED"))); // as for a stop
    return Next.END_RUN;
  }

  @Override
  public Next onContinueNextToken(WorkflowEngine<T> engine, T obj) {
    completed(engine, obj, "CONTINUED");
    return Next.NEXT_OBJECT;
  }

  @Override
  public Next onJumpToken(WorkflowEngine<T> engine, T obj, int offset) {
    int index = engine.state().tokenPos();
    commitOrFail(
        engine,
        index,
        "object " + index,
        null,
        () -> {
          pending.add(ended(index, ObjectStatus.COMPLETED, json(obj, index), null, null, "JUMPED"));
          if (checkpointEvery == 1) {
            // where the loop will go: a crash now resumes with the object the jump lands on
            row.tokenPos =
                offset > 0
                    ? Math.min(objects.size(), index - 1 + offset)
                    : Math.max(-1, index - 1 + offset);
            row.callbackPos = FIRST_TASK;
            commit(engine, -1); // the next object is elsewhere: its "before object" marks it
          }
        });
    return Next.NEXT_OBJECT;
  }

  @Override
  public Next onSkipToken(WorkflowEngine<T> engine, T obj) {
    transaction.undoObject();
    int index = engine.state().tokenPos();
    commitOrFail(
        engine,
        index,
        "object " + index,
        null,
        () -> movedOn(engine, ended(index, ObjectStatus.SKIPPED, null, null, null, "SKIPPED")));
    return Next.NEXT_OBJECT;
  }

  // ------------------------------------------------------------------ failed saves

  /**
   * Runs a save of this run; if it fails, records the failure (see {@link #saveFailed}) and throws
   * what the caller of the run gets.
   *
   * @param what what was being saved, for the messages
   * @param original the halt or task failure being saved, or null; attached to what is thrown
   */
  private void commitOrFail(
      WorkflowEngine<T> engine, int index, String what, Throwable original, Runnable save) {
    progressNanos = System.nanoTime();
    try {
      save.run();
    } catch (Yielded handedBack) {
      throw handedBack; // saved: the run ends here by request
    } catch (RuntimeException | StackOverflowError failure) {
      throw saveFailed(index, what, failure, original);
    }
  }

  /**
   * A save of this run failed (SEMANTICS §7). In a fresh transaction the workflow becomes ERROR
   * with ended_by SAVE_ERROR, keeping the positions of its last commit, and its RUNNING object
   * becomes ERROR: no row reads RUNNING while this process lives, and resume() replays from the
   * last commit.
   *
   * @return a WorkflowError whose cause is the failed save, or, if even the error could not be
   *     written, a StoreException saying that the rows may still read RUNNING
   */
  private RuntimeException saveFailed(
      int index, String what, Throwable failure, Throwable original) {
    inRun = false;
    pending.clear();
    markedRunning = -1;
    markedAt = -1;
    leases.ended(this);
    transaction.discard(); // the rows go back to the last commit, and so do the tasks' writes
    if (failure instanceof OwnershipException lost) {
      // another engine holds the workflow: write nothing, not even the error (the rows are its)
      if (original != null) {
        lost.addSuppressed(original);
      }
      LOG.warn("workflow {}: {}", id, lost.getMessage());
      recorded = lost;
      return lost;
    }
    String problem = failure.getMessage() != null ? failure.getMessage() : failure.toString();
    String text = "could not save " + what + ": " + problem;
    Instant now = leases.now(); // the fence compares leases with it: the database's time
    long version = row.version;
    RuntimeException thrown;
    try {
      store.write(
          id,
          "",
          em ->
              store.markSaveFailed(
                  em,
                  id,
                  version,
                  owner,
                  cut(text, Columns.LAST_ERROR),
                  cut(text, Columns.ERROR_TEXT),
                  now));
      row.version = version + 1;
      release();
      row.status = WorkflowStatus.ERROR;
      row.endedBy = EndedBy.SAVE_ERROR;
      row.lastError = cut(text, Columns.LAST_ERROR);
      thrown =
          new WorkflowError(
              "workflow " + id + " failed: " + text, id.toString(), index, null, failure);
      WorkflowEngine<T> running = engine;
      if (running != null) {
        events.tell("runEnded", l -> l.runEnded(StoreEvents.any(running), WorkflowStatus.ERROR));
      }
    } catch (RuntimeException alsoFailed) {
      row.status = WorkflowStatus.RUNNING; // as the database may still say
      row.endedBy = null;
      thrown =
          new StoreException(
              "workflow "
                  + id
                  + ": "
                  + text
                  + "; the error could not be saved either ("
                  + alsoFailed.getMessage()
                  + "), so its rows may still read RUNNING. Once the database is back, load the"
                  + " workflow and resume() it",
              failure);
      thrown.addSuppressed(alsoFailed);
    }
    if (original != null) {
      thrown.addSuppressed(original);
    }
    LOG.error("workflow {}: {}", id, text);
    recorded = thrown;
    return thrown;
  }

  /**
   * A stored object that cannot be read was met mid-run: the workflow becomes ERROR at it, so that
   * no object stays RUNNING; the caller gets the exception.
   */
  void unreadable(StoreException problem, int index) {
    if (!inRun || engine.state().tokenPos() != index) {
      return; // not the object the run moves to (before the run, or a task's own read)
    }
    inRun = false;
    pending.add(
        ended(
            index,
            ObjectStatus.ERROR,
            null,
            null,
            cut(problem.getMessage(), Columns.ERROR_TEXT),
            "ERROR"));
    row.status = WorkflowStatus.ERROR;
    row.endedBy = EndedBy.ERROR;
    row.lastError = cut(problem.getMessage(), Columns.LAST_ERROR);
    row.tokenPos = index;
    row.callbackPos = FIRST_TASK;
    release();
    // the run's open transaction holds only the writes of the objects pending above (the row is
    // read before its object starts): they commit with those objects' ends
    commit(null, -1);
    leases.ended(this);
  }

  /** What {@link #reload()} read besides the workflow row. */
  record Reloaded(int objects, ObjectStatus statusAtToken) {}

  /**
   * Reads the workflow row again into {@link #row} (positions, extra data, status, version), with
   * the number of objects and the status of the object at its token_pos: what an interrupted run
   * resumes from.
   */
  Reloaded reload() {
    return store.read(
        em -> {
          WorkflowEntity wf = store.findWorkflow(em, id);
          if (wf == null) {
            throw new StoreException("workflow " + id + " is no longer in the database");
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
          return new Reloaded(store.objectCount(em, id), store.objectStatus(em, id, wf.tokenPos));
        });
  }

  /**
   * Stores a new workflow {@code NEW}, with its objects {@code INITIAL}: one transaction. It is
   * visible (status, queries) before it first runs.
   */
  void storeNew(List<? extends T> objects) {
    String[] data = prepareNew(objects);
    // an insert, not a save point: the row starts at version 0, which saves then expect
    store.write(id, "", em -> store.insertNew(em, row, data.length, i -> data[i], row.createdAt));
  }

  /**
   * The row made a new workflow's ({@code NEW}, before its first object, created now) and its
   * objects' JSON, checked as a save checks them; nothing is written yet.
   */
  String[] prepareNew(List<? extends T> objects) {
    Instant now = clock.instant();
    row.status = WorkflowStatus.NEW;
    row.tokenPos = -1;
    row.callbackPos = FIRST_TASK;
    row.createdAt = now;
    row.modifiedAt = now;
    String[] data = new String[objects.size()];
    for (int i = 0; i < data.length; i++) {
      data[i] = json(objects.get(i), i);
    }
    return data;
  }

  /** New workflows {@link #prepareNew prepared}, stored in one transaction: all or none. */
  static void storeAll(
      WorkflowStore store, List<? extends SavePoints<?>> saves, List<String[]> data) {
    store.write(
        saves.get(0).id,
        " with the other "
            + (saves.size() - 1)
            + " workflow(s) of its submitAll (none of them was stored)",
        em -> {
          for (int w = 0; w < saves.size(); w++) {
            WorkflowEntity row = saves.get(w).row;
            String[] json = data.get(w);
            store.insertNew(em, row, json.length, i -> json[i], row.createdAt);
          }
        });
  }

  /** Every object back to its source data and INITIAL, with the workflow row: one transaction. */
  void resetToSource(WorkflowEngine<T> engine) {
    Instant now = clock.instant();
    row.modifiedAt = now;
    save(
        engine,
        em -> {
          store.updateWorkflow(em, row, owner, leases.now());
          store.resetToSource(em, id, now);
        });
  }

  // ------------------------------------------------------------------ helpers

  private ObjectEnd ended(
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
  private void movedOn(WorkflowEngine<T> engine, ObjectEnd ended) {
    pending.add(ended);
    int index = ended.pos();
    boolean yielding = yieldRequested && index + 1 < objects.size();
    if (checkpointEvery > 1 && !yielding) {
      // the last object's checkpoint is the run's end, which follows at once: one commit, not two
      if (pending.size() >= checkpointEvery && index + 1 < objects.size()) {
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
        row.extraData = extraData(engine);
        release();
      }
      commit(engine, next);
      markedRunning = next;
      markedAt = next;
      if (yielding) {
        inRun = false;
        leases.ended(this);
        recorded = new Yielded(id, next);
        throw recorded;
      }
    }
    // the last object: the run's end follows at once (afterProcessing) and commits it with the
    // workflow's end, one transaction where two would save nothing more
  }

  /** One transaction: the workflow row, the pending objects, the object to mark RUNNING. */
  private void commit(WorkflowEngine<T> engine, int markRunning) {
    row.modifiedAt = clock.instant();
    if (row.owner != null) {
      row.leaseUntil = leases.until(); // every save renews the lease
    }
    try {
      save(
          engine,
          em -> {
            ObjectStatus before =
                store.commit(em, row, owner, leases.now(), pending, history, markRunning);
            if (markRunning >= 0) {
              statusBefore = before;
            }
          });
    } finally {
      pending.clear();
    }
  }

  private void writeObjects(EntityManager em, int markRunning) {
    ObjectStatus before = store.writeObjects(em, id, pending, history, markRunning, row.modifiedAt);
    if (markRunning >= 0) {
      statusBefore = before;
    }
  }

  private void insertNewObjects(EntityManager em, List<? extends T> objects, Instant now) {
    long storedCount = store.countObjects(em, id);
    if (objects.size() < storedCount) {
      throw new StoreException(
          "workflow "
              + id
              + " has "
              + storedCount
              + " stored objects, but this run was given "
              + objects.size()
              + ": the objects given to a run stand for the stored ones, position by position, so"
              + " a shorter list would leave the others unprocessed. Give all "
              + storedCount
              + " (a longer list appends objects), or resume() to run the stored ones");
    }
    store.insertObjects(
        em, id, (int) storedCount, objects.size(), i -> json(objects.get(i), i), now);
  }

  /** One save point: one transaction; on success the version this engine now expects. */
  private void save(WorkflowEngine<T> engine, java.util.function.Consumer<EntityManager> work) {
    if (fenced) {
      transaction.discard();
      WorkflowStore.Holder holder = store.holder(id).orElse(null);
      String newOwner = holder == null ? null : holder.owner();
      Instant until = holder == null ? null : holder.leaseUntil();
      throw new OwnershipException(
          "workflow "
              + id
              + ": this engine ("
              + owner
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
      store.write(open, id, engine == null ? "" : " at object " + engine.state().tokenPos(), work);
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

  private void positions(WorkflowEngine<T> engine) {
    EngineState state = engine.state(); // a copy each call: take one
    row.tokenPos = state.tokenPos();
    row.callbackPos = state.callbackPos();
  }

  /** The run stops here (halt, error, end): extra data and positions with it, one commit. */
  private void commitRunState(WorkflowEngine<T> engine) {
    row.extraData = extraData(engine);
    positions(engine);
    release();
    commit(engine, -1);
    leases.ended(this);
    WorkflowStatus stored = row.status;
    events.tell("runEnded", l -> l.runEnded(StoreEvents.any(engine), stored));
  }

  /** Every end of a run (halt, error, completion, stop, abort) releases the workflow. */
  private void release() {
    row.owner = null;
    row.leaseUntil = null;
  }

  private String json(Object obj, int index) {
    String json;
    try {
      json = mapper.writeValueAsString(obj);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "object "
              + index
              + " of workflow "
              + id
              + " cannot be written as JSON: "
              + e.getMessage(),
          e);
    }
    checkLength(json.length(), "object " + index);
    return json;
  }

  /** Refuses data over the limit before any transaction: a huge value can exhaust the database. */
  private void checkLength(int length, String what) {
    if (length > maxDataLength) {
      throw new StoreException(
          what
              + " of workflow "
              + id
              + " is "
              + length
              + " characters of JSON, over the limit of "
              + maxDataLength
              + " (FlowstateBuilder.maxDataLength); keep large data elsewhere and store a"
              + " reference to it, or raise the limit");
    }
  }

  private JsonNode payload(Object payload) {
    if (payload == null) {
      return null;
    }
    String json;
    try {
      json = mapper.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "the halt payload of workflow " + id + " cannot be written as JSON: " + e.getMessage(),
          e);
    }
    checkLength(json.length(), "the halt payload");
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "the halt payload of workflow " + id + " cannot be read back as JSON: " + e.getMessage(),
          e);
    }
  }

  /** {@code text} cut to a column's length, visibly (see {@link Columns#cut}). */
  static String cut(String text, int length) {
    return Columns.cut(text, length);
  }

  /**
   * A copy of the engine's extra data as stored ({@link ExtraData}), each value checked to come
   * back as it is and to be writable as JSON.
   */
  private Map<String, Object> extraData(WorkflowEngine<T> engine) {
    Map<String, Object> source = engine.extraData();
    if (source.isEmpty()) {
      return null;
    }
    Map<String, Object> copy = ExtraData.encode(source, id);
    long length = 0;
    for (Map.Entry<String, Object> entry : copy.entrySet()) {
      try {
        length += mapper.writeValueAsString(entry.getValue()).length() + entry.getKey().length();
      } catch (JsonProcessingException e) {
        throw new StoreException(
            "extraData['"
                + entry.getKey()
                + "'] of workflow "
                + id
                + " cannot be stored as JSON ("
                + entry.getValue().getClass().getName()
                + "): "
                + e.getOriginalMessage(),
            e);
      }
    }
    checkLength((int) Math.min(Integer.MAX_VALUE, length), "extraData");
    return copy;
  }
}
