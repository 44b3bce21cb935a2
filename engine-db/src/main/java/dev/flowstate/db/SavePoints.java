package dev.flowstate.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.EndedBy;
import dev.flowstate.db.internal.ObjectEntity;
import dev.flowstate.db.internal.ObjectRunEntity;
import dev.flowstate.db.internal.Store;
import dev.flowstate.db.internal.WorkflowEntity;
import dev.flowstate.engine.EngineHooks;
import dev.flowstate.engine.EngineState;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.TransitionTable;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import dev.flowstate.migrations.Columns;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final String UPDATE_WORKFLOW =
      "update WorkflowEntity w set w.status = :status, w.endedBy = :endedBy,"
          + " w.tokenPos = :tokenPos,"
          + " w.callbackPos = :callbackPos, w.extraData = :extraData,"
          + " w.haltMessage = :haltMessage, w.haltAction = :haltAction,"
          + " w.haltPayload = :haltPayload, w.lastError = :lastError,"
          + " w.modifiedAt = :modifiedAt, w.version = w.version + 1"
          + " where w.id = :id and w.version = :version";

  /** How one object's run ended, until a commit writes it. Null status or data: keep the stored. */
  record Ended(
      int pos,
      ObjectStatus status,
      String data,
      List<Integer> callbackPos,
      String errorText,
      Instant startedAt,
      Instant endedAt,
      String outcome) {}

  final UUID id;
  final String definitionName;
  private final Store store;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final boolean history;
  private final int maxDataLength;

  /** The workflow row as this engine last stored it, or is about to. */
  final WorkflowEntity row;

  /** Whether {@link #row} is in the database. */
  private boolean stored;

  int checkpointEvery = 1;

  private final ArrayList<Ended> pending = new ArrayList<>();
  private List<? extends T> objects = List.of();
  private WorkflowEngine<T> engine;
  private boolean inRun;
  /** The object that the last commit marked RUNNING ahead of its "before object". */
  private int markedRunning = -1;
  /** The object whose row reads RUNNING, or -1. */
  private int markedAt = -1;
  /** The status of object {@link #markedAt} before this run marked it RUNNING. */
  private ObjectStatus statusBefore;
  /** What a failed save of this run threw, already recorded, so onError does not record it again. */
  private RuntimeException recorded;
  private Instant startedAt;
  private String endedBy;
  private boolean aborted;

  SavePoints(
      WorkflowEntity row,
      boolean stored,
      Store store,
      ObjectMapper mapper,
      Clock clock,
      boolean history,
      int maxDataLength) {
    this.row = row;
    this.stored = stored;
    this.id = row.id;
    this.definitionName = row.definitionName;
    this.store = store;
    this.mapper = mapper;
    this.clock = clock;
    this.history = history;
    this.maxDataLength = maxDataLength;
  }

  // ------------------------------------------------------------------ hooks

  @Override
  public void beforeProcessing(WorkflowEngine<T> engine, List<? extends T> objects) {
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
    row.status = WorkflowStatus.RUNNING;
    row.endedBy = null;
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
            if (stored) {
              updateWorkflow(em);
            } else {
              row.createdAt = now;
              em.persist(row);
              em.flush();
            }
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
      throw e;
    }
    stored = true;
    if (marks) {
      markedRunning = first;
      markedAt = first;
    }
    this.objects = objects;
    this.engine = engine;
    inRun = true;
  }

  @Override
  public void beforeObject(WorkflowEngine<T> engine, T obj) {
    startedAt = clock.instant();
    int index = engine.state().tokenPos();
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
    commitOrFail(engine, index, "the end of the run at object " + index, null, () -> commitRunState(engine));
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
          row.endedBy = EndedBy.HALT;
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
    inRun = false;
    int index = engine.state().tokenPos();
    String task = engine.currentTaskName();
    String text = String.valueOf(error);
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
    if (error instanceof WorkflowError known && id.toString().equals(known.workflowId())) {
      throw known;
    }
    throw new WorkflowError(
        "workflow " + id + " failed at object " + index + ", task " + task + ": " + text,
        id.toString(),
        index,
        null,
        error);
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
        () -> {
          pending.add(ended(index, ObjectStatus.COMPLETED, json(obj, index), null, null, "STOPPED"));
          endRun(engine);
        });
    return Next.END_RUN;
  }

  @Override
  public Next onAbort(WorkflowEngine<T> engine, T obj) {
    int index = engine.state().tokenPos();
    aborted = true;
    endedBy = "aborted by task " + engine.currentTaskName() + " on object " + index;
    // an object this run did not mark RUNNING still has the status it had before this run
    ObjectStatus back = markedAt == index ? statusBefore : null;
    commitOrFail(
        engine,
        index,
        "the abort of object " + index,
        null,
        () -> {
          pending.add(ended(index, back, null, null, null, "ABORTED"));
          endRun(engine);
        });
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
    try {
      save.run();
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
    String problem = failure.getMessage() != null ? failure.getMessage() : failure.toString();
    String text = "could not save " + what + ": " + problem;
    Instant now = clock.instant();
    long version = row.version;
    RuntimeException thrown;
    try {
      store.inTransaction(
          em -> {
            int updated =
                em.createQuery(
                        "update WorkflowEntity w set w.status = :status, w.endedBy = :endedBy,"
                            + " w.lastError = :lastError, w.modifiedAt = :now,"
                            + " w.version = w.version + 1 where w.id = :id and w.version = :version")
                    .setParameter("status", WorkflowStatus.ERROR)
                    .setParameter("endedBy", EndedBy.SAVE_ERROR)
                    .setParameter("lastError", cut(text, Columns.LAST_ERROR))
                    .setParameter("now", now)
                    .setParameter("id", id)
                    .setParameter("version", version)
                    .executeUpdate();
            if (updated == 0) {
              throw conflict(null);
            }
            em.createQuery(
                    "update ObjectEntity o set o.status = :error, o.errorText = :text,"
                        + " o.modifiedAt = :now, o.version = o.version + 1"
                        + " where o.workflowId = :id and o.status = :running")
                .setParameter("error", ObjectStatus.ERROR)
                .setParameter("text", cut(text, Columns.ERROR_TEXT))
                .setParameter("now", now)
                .setParameter("id", id)
                .setParameter("running", ObjectStatus.RUNNING)
                .executeUpdate();
            return null;
          });
      row.version = version + 1;
      row.status = WorkflowStatus.ERROR;
      row.endedBy = EndedBy.SAVE_ERROR;
      row.lastError = cut(text, Columns.LAST_ERROR);
      thrown =
          new WorkflowError(
              "workflow " + id + " failed: " + text, id.toString(), index, null, failure);
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
    commit(null, -1);
  }

  /** What {@link #reload()} read besides the workflow row. */
  record Reloaded(int objects, ObjectStatus statusAtToken) {}

  /**
   * Reads the workflow row again into {@link #row} (positions, extra data, status, version), with
   * the number of objects and the status of the object at its token_pos: what an interrupted run
   * resumes from.
   */
  Reloaded reload() {
    return store.inTransaction(
        em -> {
          WorkflowEntity wf = em.find(WorkflowEntity.class, id);
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
          Integer last =
              em.createQuery(
                      "select max(o.pos) from ObjectEntity o where o.workflowId = :id",
                      Integer.class)
                  .setParameter("id", id)
                  .getSingleResult();
          ObjectStatus atToken =
              em.createQuery(
                      "select o.status from ObjectEntity o where o.workflowId = :id and o.pos = :pos",
                      ObjectStatus.class)
                  .setParameter("id", id)
                  .setParameter("pos", wf.tokenPos)
                  .getResultStream()
                  .findFirst()
                  .orElse(null);
          return new Reloaded(last == null ? 0 : last + 1, atToken);
        });
  }

  /**
   * Stores a new workflow {@code NEW}, with its objects {@code INITIAL}: one transaction. It is
   * visible (status, queries) before it first runs.
   */
  void storeNew(List<? extends T> objects) {
    Instant now = clock.instant();
    row.status = WorkflowStatus.NEW;
    row.tokenPos = -1;
    row.callbackPos = FIRST_TASK;
    row.createdAt = now;
    row.modifiedAt = now;
    save(
        null,
        em -> {
          em.persist(row);
          em.flush();
          insertNewObjects(em, objects, now);
        });
    stored = true;
  }

  /** Every object back to its source data and INITIAL, with the workflow row: one transaction. */
  void resetToSource(WorkflowEngine<T> engine) {
    Instant now = clock.instant();
    row.modifiedAt = now;
    save(
        engine,
        em -> {
          updateWorkflow(em);
          em.createQuery(
                  "update ObjectEntity o set o.data = o.sourceData, o.status = :initial,"
                      + " o.callbackPos = null, o.errorText = null, o.modifiedAt = :now,"
                      + " o.version = o.version + 1 where o.workflowId = :id")
              .setParameter("initial", ObjectStatus.INITIAL)
              .setParameter("now", now)
              .setParameter("id", id)
              .executeUpdate();
        });
  }

  // ------------------------------------------------------------------ helpers

  private Ended ended(
      int index,
      ObjectStatus status,
      String data,
      List<Integer> callbackPos,
      String errorText,
      String outcome) {
    return new Ended(
        index, status, data, callbackPos, errorText, startedAt, clock.instant(), outcome);
  }

  /**
   * The object ended and the next one follows: durable mode commits it together with marking the
   * next object RUNNING; checkpoint mode commits when N objects are pending.
   */
  private void movedOn(WorkflowEngine<T> engine, Ended ended) {
    pending.add(ended);
    int index = ended.pos();
    if (checkpointEvery > 1) {
      if (pending.size() >= checkpointEvery) {
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
      commit(engine, next);
      markedRunning = next;
      markedAt = next;
    } else {
      row.tokenPos = index;
      row.callbackPos = FIRST_TASK;
      commit(engine, -1);
    }
  }

  /** Stop and abort: durable mode commits now; checkpoint mode leaves it to the run's end. */
  private void endRun(WorkflowEngine<T> engine) {
    if (checkpointEvery == 1) {
      positions(engine);
      commit(engine, -1);
    }
  }

  /** One transaction: the workflow row, the pending objects, the object to mark RUNNING. */
  private void commit(WorkflowEngine<T> engine, int markRunning) {
    row.modifiedAt = clock.instant();
    try {
      save(
          engine,
          em -> {
            updateWorkflow(em);
            if (!pending.isEmpty() || markRunning >= 0) {
              writeObjects(em, markRunning);
            }
          });
    } finally {
      pending.clear();
    }
  }

  private void updateWorkflow(EntityManager em) {
    int updated =
        em.createQuery(UPDATE_WORKFLOW)
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
            .setParameter("id", id)
            .setParameter("version", row.version)
            .executeUpdate();
    if (updated == 0) {
      Long stored =
          em.createQuery("select w.version from WorkflowEntity w where w.id = :id", Long.class)
              .setParameter("id", id)
              .getResultStream()
              .findFirst()
              .orElse(null);
      if (stored == null) {
        throw new StoreException("workflow " + id + " is no longer in the database");
      }
      throw conflict(null);
    }
  }

  private void writeObjects(EntityManager em, int markRunning) {
    if (store.postgres()) {
      ObjectStatus before = BulkWrites.write(em, store, id, pending, history, markRunning, row.modifiedAt);
      if (markRunning >= 0) {
        statusBefore = before;
      }
      return;
    }
    int from = markRunning >= 0 ? markRunning : Integer.MAX_VALUE;
    int to = markRunning;
    for (Ended e : pending) {
      from = Math.min(from, e.pos());
      to = Math.max(to, e.pos());
    }
    int count = pending.size() + (markRunning >= 0 ? 1 : 0);
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
      pending.forEach(e -> positions.add(e.pos()));
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
    for (Ended e : pending) {
      ObjectEntity o = row(byPos, from, e.pos());
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
        run.message = cut(e.errorText(), Columns.RUN_MESSAGE);
        em.persist(run);
      }
    }
    if (markRunning >= 0) {
      ObjectEntity o = row(byPos, from, markRunning);
      statusBefore = o.status;
      o.status = ObjectStatus.RUNNING;
      o.modifiedAt = row.modifiedAt;
    }
  }

  private ObjectEntity row(ObjectEntity[] byPos, int from, int pos) {
    ObjectEntity o = byPos[pos - from];
    if (o == null) {
      throw new StoreException(
          "workflow " + id + " has no stored object at position " + pos
              + "; were the objects replaced by a longer list in restart(...)?");
    }
    return o;
  }

  private void insertNewObjects(EntityManager em, List<? extends T> objects, Instant now) {
    long storedCount =
        em.createQuery("select count(o) from ObjectEntity o where o.workflowId = :id", Long.class)
            .setParameter("id", id)
            .getSingleResult();
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
    for (int i = (int) storedCount; i < objects.size(); i++) {
      ObjectEntity o = new ObjectEntity();
      o.workflowId = id;
      o.pos = i;
      o.status = ObjectStatus.INITIAL;
      o.data = json(objects.get(i), i);
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

  private interface Work {
    void run(EntityManager em);
  }

  /** One save point: one transaction; on success the version this engine now expects. */
  private void save(WorkflowEngine<T> engine, Work work) {
    boolean update = stored;
    try {
      // one flush, at commit: a second one would compare JSON columns with Hibernate's copies of
      // them (a long read back as an int is "changed") and write the rows again
      store.inTransaction(
          em -> {
            work.run(em);
            return null;
          });
      if (update) {
        row.version++;
      }
    } catch (StoreException e) {
      throw e;
    } catch (PersistenceException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof org.hibernate.StaleStateException
            || cause instanceof jakarta.persistence.OptimisticLockException) {
          throw conflict(e);
        }
      }
      throw new StoreException(
          "workflow " + id + ": could not save"
              + (engine == null ? "" : " at object " + engine.state().tokenPos()) + ": "
              + e.getMessage(),
          e);
    }
  }

  private StoreException conflict(Exception e) {
    return new StoreException(
        "workflow "
            + id
            + " was saved by another engine since this one last saved it; this engine's"
            + " changes were not written. Load the workflow again to continue from what is stored",
        e);
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
    commit(engine, -1);
  }

  private String json(Object obj, int index) {
    String json;
    try {
      json = mapper.writeValueAsString(obj);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "object " + index + " of workflow " + id + " cannot be written as JSON: " + e.getMessage(),
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
          "the halt payload of workflow " + id + " cannot be written as JSON: " + e.getMessage(), e);
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

  /** A copy of the engine's extra data, each value checked to be writable as JSON. */
  private Map<String, Object> extraData(WorkflowEngine<T> engine) {
    Map<String, Object> source = engine.extraData();
    if (source.isEmpty()) {
      return null;
    }
    Map<String, Object> copy = new HashMap<>(source);
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
