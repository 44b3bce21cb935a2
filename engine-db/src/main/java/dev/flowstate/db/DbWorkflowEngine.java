package dev.flowstate.db;

import dev.flowstate.db.internal.EndedBy;
import dev.flowstate.db.internal.WorkflowEntity;
import dev.flowstate.db.internal.WorkflowTable;
import dev.flowstate.engine.EngineListener;
import dev.flowstate.engine.EngineState;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * A stored workflow: its every save point is a committed transaction; the workflow row holds
 * status, positions, extra data and halt details; one row per object holds its status and data. It
 * wraps a core {@link WorkflowEngine} (the one run loop, with saving hooks and transition table)
 * and offers only what a stored workflow may do: run, restart, {@link #resume()}, read its state.
 * Its definition and id are those it was stored with and cannot be changed.
 *
 * <p>Get one from {@link Flowstate#newWorkflow} or {@link Flowstate#load}. A task's exception
 * reaches the caller wrapped in a {@link WorkflowError} carrying the workflow id and object index,
 * with the original as cause. Tasks and listeners receive the core engine that runs them, for its
 * control methods and extra data. Not thread-safe, like every engine.
 *
 * @param <T> the type of the objects, stored as JSON with Jackson
 */
public final class DbWorkflowEngine<T> {

  private final SavePoints<T> saves;
  private final IntFunction<List<T>> stored;
  private final StoredEngine<T> engine;

  /** Its row was read by {@link Flowstate#load} and no run has started since. */
  private boolean justLoaded;

  DbWorkflowEngine(SavePoints<T> saves, Flow<T> definition, IntFunction<List<T>> stored) {
    this.saves = saves;
    this.stored = stored;
    this.engine = new StoredEngine<>(saves, definition);
  }

  /** The save points of this engine (for its worker pool). */
  SavePoints<T> saves() {
    return saves;
  }

  // ---------------------------------------------------------------- running

  /**
   * Processes {@code objects} from the first object and task: they are stored (a list longer than
   * the stored one appends objects; a shorter one is refused) and saved at every save point.
   *
   * @param objects the objects, in order
   * @throws HaltProcessing if a task halted; the workflow is stored HALTED
   * @throws WorkflowError if a task, a hook or a save failed; the workflow is stored ERROR
   * @throws StoreException if the run was refused (nothing changed), or even its error could not be
   *     saved
   * @see WorkflowEngine#process(List)
   */
  public void process(List<? extends T> objects) {
    engine.process(objects);
  }

  /**
   * {@link #process(List)}, going on after errors or halts when told to.
   *
   * @param objects the objects, in order
   * @param stopOnError whether a failed object ends the run
   * @param stopOnHalt whether a halt ends the run
   * @see WorkflowEngine#process(List, boolean, boolean)
   */
  public void process(List<? extends T> objects, boolean stopOnError, boolean stopOnHalt) {
    engine.process(objects, stopOnError, stopOnHalt);
  }

  /**
   * Restarts from a position relative to the current state (SEMANTICS §5); {@link #resume()}
   * chooses the position for you.
   *
   * @param object which object to begin with
   * @param task which task to begin that object with
   * @see WorkflowEngine#restart(RestartPosition, RestartPosition)
   */
  public void restart(RestartPosition object, RestartPosition task) {
    engine.restart(object, task);
  }

  /**
   * {@link #restart(RestartPosition, RestartPosition)} with the reference's spelling ({@code
   * "prev"}, {@code "current"}, {@code "next"}, {@code "first"}).
   *
   * @param object which object to begin with
   * @param task which task to begin that object with
   */
  public void restart(String object, String task) {
    engine.restart(object, task);
  }

  /**
   * Restarts on other objects, which stand for the stored ones position by position (a longer list
   * appends objects; a shorter one is refused and changes nothing).
   *
   * @param object which object to begin with
   * @param task which task to begin that object with
   * @param objects the objects, or null to keep the stored ones
   */
  public void restart(RestartPosition object, RestartPosition task, List<? extends T> objects) {
    engine.restart(object, task, objects);
  }

  /**
   * {@link #restart(RestartPosition, RestartPosition, List)}, going on after errors or halts when
   * told to.
   *
   * @param object which object to begin with
   * @param task which task to begin that object with
   * @param objects the objects, or null to keep the stored ones
   * @param stopOnError whether a failed object ends the run
   * @param stopOnHalt whether a halt ends the run
   */
  public void restart(
      RestartPosition object,
      RestartPosition task,
      List<? extends T> objects,
      boolean stopOnError,
      boolean stopOnHalt) {
    engine.restart(object, task, objects, stopOnError, stopOnHalt);
  }

  // ---------------------------------------------------------------- the run's transaction

  /**
   * The JDBC connection of the run's own transaction, for a task of a stored workflow: what the
   * task writes through it commits atomically with the save point that ends its object (in
   * checkpoint mode: with the checkpoint), so a crash, a failure, an abort or skip of the object,
   * or a fenced-out save rolls it back with the object, and an object resumed after a crash never
   * applies it twice. Begun when first asked for; the connection is then held while the tasks run,
   * until the save point (a pool needs one more connection per such run). Do not commit, roll back
   * or close it.
   *
   * <pre>{@code
   * Task<Order> book = Task.named("book", (order, engine) -> {
   *   try (PreparedStatement insert = DbWorkflowEngine.connection(engine)
   *       .prepareStatement("INSERT INTO bookings (order_id, amount) VALUES (?, ?)")) { ... }
   * });
   * }</pre>
   *
   * <p>Work outside the database (mail, HTTP, files) cannot join it: it runs at least once per task
   * and must be idempotent (a key the receiver deduplicates on, such as the workflow id and object
   * position).
   *
   * @param engine the engine the task was given
   * @return the connection, valid until the task's object (or checkpoint) is saved
   * @throws IllegalArgumentException if {@code engine} does not run a stored workflow
   * @throws IllegalStateException if no task of that workflow is running
   */
  public static java.sql.Connection connection(WorkflowEngine<?> engine) {
    return entityManager(engine)
        .unwrap(org.hibernate.Session.class)
        .doReturningWork(connection -> connection);
  }

  /**
   * The name of the definition a stored workflow's engine runs, for listeners of a whole {@link
   * Flowstate} ({@link Flowstate#addListener}), which are given the engine of each run: with {@code
   * engine.workflowId()}, what a log line or a metric needs.
   *
   * @param engine an engine a listener or a task was given
   * @return the definition's registered name, or empty if {@code engine} does not run a stored
   *     workflow
   */
  public static Optional<String> definitionName(WorkflowEngine<?> engine) {
    return engine instanceof StoredEngine<?> stored
        ? Optional.of(stored.saves.definitionName)
        : Optional.empty();
  }

  /**
   * The run's own transaction as a JPA {@link jakarta.persistence.EntityManager} (of flowstate's
   * persistence unit: native queries and flowstate's entities), with the guarantees of {@link
   * #connection(WorkflowEngine)}.
   *
   * @param engine the engine the task was given
   * @return the entity manager, valid until the task's object (or checkpoint) is saved
   * @throws IllegalArgumentException if {@code engine} does not run a stored workflow
   * @throws IllegalStateException if no task of that workflow is running
   */
  public static jakarta.persistence.EntityManager entityManager(WorkflowEngine<?> engine) {
    if (!(engine instanceof StoredEngine<?> stored)) {
      throw new IllegalArgumentException(
          "the run's transaction belongs to a stored workflow: pass the engine a task of a"
              + " DbWorkflowEngine was given, got "
              + engine);
    }
    return stored.saves.transaction.forTask(stored.saves.inRun, stored.saves.id);
  }

  // ---------------------------------------------------------------- reading

  /**
   * @return the positions: the current object and the task path
   */
  public EngineState state() {
    return engine.state();
  }

  /**
   * @return the workflow's extra data, shared by its objects and stored with it (plain data only)
   */
  public Map<String, Object> extraData() {
    return engine.extraData();
  }

  /**
   * @return the objects of the latest run (stored ones are read from the database page by page)
   */
  public List<T> objects() {
    return engine.objects();
  }

  /**
   * @return the current object, empty before the first or past the last
   */
  public Optional<T> currentObject() {
    return engine.currentObject();
  }

  /**
   * @return the name of the current task
   */
  public String currentTaskName() {
    return engine.currentTaskName();
  }

  /**
   * @return whether the workflow is stored COMPLETED, as this engine last saved or read it: its
   *     latest run processed every object (a run over no object completes too)
   */
  public boolean hasCompleted() {
    return saves.row.status == WorkflowStatus.COMPLETED;
  }

  /**
   * @return the workflow's status as this engine last saved or read it: RUNNING during a run, then
   *     how the run ended; what {@link Flowstate#status(UUID)} reads when no other engine has saved
   *     it since
   */
  public WorkflowStatus status() {
    return saves.row.status;
  }

  /**
   * @return whether a run is in progress
   */
  public boolean isRunning() {
    return engine.isRunning();
  }

  /**
   * @return the definition this workflow runs, as registered under {@link #definitionName()}
   */
  public Flow<T> definition() {
    return engine.definition(WorkflowEngine.DEFAULT_KEY).orElseThrow();
  }

  /**
   * Adds a listener of started, finished, halted and error events; it receives the core engine
   * running this workflow.
   *
   * @param listener the listener
   * @return this
   */
  public DbWorkflowEngine<T> addListener(EngineListener<T> listener) {
    engine.addListener(listener);
    return this;
  }

  /**
   * @param listener a listener added before
   * @return whether it was there
   */
  public boolean removeListener(EngineListener<T> listener) {
    return engine.removeListener(listener);
  }

  @Override
  public String toString() {
    return "DbWorkflowEngine[" + saves.id + ", " + saves.definitionName + ", " + state() + "]";
  }

  /**
   * @return the workflow's id, the key of its row
   */
  public UUID id() {
    return saves.id;
  }

  /**
   * @return the name of the registered definition this workflow runs
   */
  public String definitionName() {
    return saves.definitionName;
  }

  /**
   * How often runs commit. 1 (the default, "durable"): at every save point of SEMANTICS §7, with
   * the end of one object and the start of the next in one commit; a crash replays at most the
   * object whose tasks were running. N &gt; 1 ("checkpoint every N"): a commit after every N ended
   * objects and at halt, error and run end, and only the first object of a run is marked RUNNING; a
   * crash replays every object ended since the last checkpoint (at most N, plus the one running),
   * whose stored data is still as before those runs.
   *
   * <p>After a crash the workflow row still says {@code RUNNING}: {@link #resume()} continues it.
   *
   * @param objects commit after this many objects, at least 1
   * @throws IllegalArgumentException if {@code objects} is less than 1
   * @throws WorkflowError while the engine runs
   */
  public void setCheckpointEvery(int objects) {
    if (objects < 1) {
      throw new IllegalArgumentException(
          "checkpointEvery must be at least 1 (1 = commit at every save point), got " + objects);
    }
    if (isRunning()) {
      throw running("setCheckpointEvery");
    }
    saves.checkpointEvery = objects;
  }

  /**
   * Continues the stored workflow where it stopped, as SEMANTICS §8 says, without the caller
   * reading rows:
   *
   * <table>
   *   <caption>what resume() does</caption>
   *   <tr><th>stored as</th><th>resume()</th></tr>
   *   <tr><td>NEW</td><td>processes the stored objects</td></tr>
   *   <tr><td>HALTED by a halt</td><td>{@code restart(CURRENT, NEXT)}: what follows the halting
   *   task runs</td></tr>
   *   <tr><td>HALTED by {@code retryAfter}</td><td>{@code restart(CURRENT, CURRENT)}: the task
   *   that asked to be retried runs again</td></tr>
   *   <tr><td>HALTED by a stop</td><td>{@code restart(NEXT, FIRST)}</td></tr>
   *   <tr><td>HALTED by an abort</td><td>the aborted object again from its first task</td></tr>
   *   <tr><td>ERROR (a task failed)</td><td>{@code restart(CURRENT, CURRENT)}: the failed task
   *   again, on the data it left</td></tr>
   *   <tr><td>RUNNING (a crash), or ERROR because a save failed</td><td>everything is read again
   *   from the database; the object that was running starts again from where its run began, then
   *   the rest</td></tr>
   *   <tr><td>COMPLETED</td><td>a {@link StoreException}</td></tr>
   * </table>
   *
   * <p>Works on an engine from {@link Flowstate#load} as on one that just halted or failed.
   *
   * @throws IllegalStateException if the workflow is COMPLETED
   * @throws StoreException if its rows cannot be read
   * @throws HaltProcessing if a task halts again
   * @throws WorkflowError if a task fails again
   * @throws WorkflowError while the engine runs
   */
  public void resume() {
    if (isRunning()) {
      throw running("resume");
    }
    WorkflowEntity row = saves.row;
    EndedBy endedBy = row.endedBy;
    boolean current = justLoaded;
    justLoaded = false;
    if (current && (row.status == WorkflowStatus.NEW || saves.startedByClaim)) {
      // its row and objects were read a moment ago: a worker pool starts thousands of these
      restart(RestartPosition.NEXT, RestartPosition.FIRST);
      return;
    }
    switch (row.status) {
      case COMPLETED ->
          throw new IllegalStateException(
              "workflow "
                  + saves.id
                  + " is COMPLETED: every object was processed, there is nothing to resume");
      case HALTED -> {
        if (endedBy == EndedBy.STOP) {
          restart(RestartPosition.NEXT, RestartPosition.FIRST);
        } else if (endedBy == EndedBy.ABORT) {
          restart(RestartPosition.CURRENT, RestartPosition.FIRST);
        } else if (endedBy == EndedBy.RETRY) {
          restart(RestartPosition.CURRENT, RestartPosition.CURRENT);
        } else {
          restart(RestartPosition.CURRENT, RestartPosition.NEXT);
        }
      }
      case ERROR -> {
        if (endedBy == EndedBy.SAVE_ERROR) {
          resumeFromStore();
        } else {
          restart(RestartPosition.CURRENT, RestartPosition.CURRENT);
        }
      }
      default -> resumeFromStore(); // NEW, or RUNNING: interrupted
    }
  }

  /**
   * The interrupted case: nothing in this engine's memory can be trusted past the last commit, so
   * positions, extra data and objects are read again; the object marked RUNNING (or turned ERROR by
   * a failed save) starts again where its run began, else the next object from its first task.
   */
  private void resumeFromStore() {
    WorkflowTable.Reloaded stored = saves.state.tables.workflows().reload(saves.row);
    restore(
        new EngineState(saves.row.tokenPos, saves.row.callbackPos),
        saves.row.extraData,
        this.stored.apply(stored.objects()),
        true);
    ObjectStatus atToken = stored.statusAtToken();
    if (saves.row.status == WorkflowStatus.COMPLETED) {
      resume(); // another engine finished it meanwhile: say so
    } else if (atToken == ObjectStatus.RUNNING
        || (atToken == ObjectStatus.ERROR && saves.row.endedBy == EndedBy.SAVE_ERROR)) {
      restart(RestartPosition.CURRENT, RestartPosition.CURRENT);
    } else {
      restart(RestartPosition.NEXT, RestartPosition.FIRST);
    }
  }

  /**
   * @return after how many objects a run commits (1: at every save point)
   */
  public int checkpointEvery() {
    return saves.checkpointEvery;
  }

  /**
   * Runs the workflow again from its first object and task, every object starting from its source
   * data (as first given to {@code process}) instead of what earlier runs made of it: a clean rerun
   * after a definition or input problem was fixed. The reset of every object row is one
   * transaction; then this is {@code restart(FIRST, FIRST)} over the stored objects. Extra data is
   * kept.
   *
   * @throws WorkflowError while the engine runs (as the core engine's guards)
   * @throws IllegalStateException if no object was processed yet (use {@code process})
   * @throws StoreException if the reset cannot be saved (nothing is changed then)
   */
  public void restartFromSourceData() {
    if (isRunning()) {
      throw running("restartFromSourceData");
    }
    if (state().tokenPos() < 0) {
      throw new IllegalStateException(
          "workflow "
              + saves.id
              + " has not processed any object yet; start it with process(objects)");
    }
    saves.state.resetToSource(engine);
    engine.objects(stored.apply(objects().size()));
    restart(RestartPosition.FIRST, RestartPosition.FIRST);
  }

  /** As the core engine says it: the same exception for every call made while it runs. */
  private WorkflowError running(String method) {
    return new WorkflowError(
        method
            + "() was called while the engine is running (from inside a task?); call it before"
            + " or after a run",
        saves.id.toString(),
        state().tokenPos(),
        null,
        null);
  }

  /** The row was just read by a load: resume() need not read it again. */
  void loaded() {
    justLoaded = true;
  }

  void restore(
      EngineState state, Map<String, Object> extraData, List<T> objects, boolean replaceExtra) {
    try {
      engine.state(state);
    } catch (WorkflowError e) {
      throw new StoreException(
          "workflow " + saves.id + " cannot be resumed: its stored " + e.getMessage(), e);
    }
    if (replaceExtra) {
      extraData().clear();
    }
    if (extraData != null) {
      extraData().putAll(ExtraData.decode(extraData));
    }
    engine.objects(objects);
  }
}
