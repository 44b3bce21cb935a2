package dev.flowstate.db;

import dev.flowstate.db.internal.EndedBy;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import dev.flowstate.migrations.Columns;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed save leaves (SEMANTICS §7): in a fresh transaction the workflow becomes ERROR with
 * ended_by SAVE_ERROR, keeping the positions of its last commit, and its RUNNING object becomes
 * ERROR, so no row reads RUNNING while this process lives and resume() replays from the last
 * commit. Only when even that fails does the caller get a StoreException, and the rows read
 * RUNNING: the interrupted case. A save refused because another engine holds the workflow writes
 * nothing at all: the rows are the other engine's.
 */
final class SaveFailures {

  /** The save points' logger, where a run's other warnings are. */
  private static final Logger LOG = LoggerFactory.getLogger("dev.flowstate.db.SavePoints");

  private SaveFailures() {}

  /**
   * Records a failed save of the run on {@code state}'s row. The run's transaction is rolled back
   * (and with it the tasks' writes since the last commit); the row stops being watched by the
   * heartbeat.
   *
   * @param engine the running engine, or null before the run started
   * @param index the object the run was at
   * @param what what was being saved, for the messages
   * @param failure why the save failed
   * @param original the halt or task failure being saved, or null; kept as suppressed
   * @return what the run's caller gets: a WorkflowError whose cause is the failed save, the
   *     OwnershipException of a fenced-out engine, or a StoreException if the error could not be
   *     written either
   */
  static RuntimeException record(
      RowState state,
      WorkflowEngine<?> engine,
      int index,
      String what,
      Throwable failure,
      Throwable original) {
    RunWatch watch = state.watch;
    state.forgetPending();
    state.leases.ended(watch);
    state.transaction.discard(); // the rows go back to the last commit, and so do tasks' writes
    if (failure instanceof OwnershipException lost) {
      if (original != null) {
        lost.addSuppressed(original);
      }
      LOG.warn("workflow {}: {}", watch.id, lost.getMessage());
      return lost;
    }
    String problem = failure.getMessage() != null ? failure.getMessage() : failure.toString();
    String text = "could not save " + what + ": " + problem;
    Instant now = state.leases.now(); // the fence compares leases with it: the database's time
    long version = state.row.version;
    RuntimeException thrown;
    try {
      state
          .tables
          .sessions()
          .write(
              watch.id,
              "",
              em ->
                  state
                      .tables
                      .workflows()
                      .markSaveFailed(
                          em,
                          watch.id,
                          version,
                          watch.owner,
                          Columns.cut(text, Columns.LAST_ERROR),
                          Columns.cut(text, Columns.ERROR_TEXT),
                          now));
      state.row.version = version + 1;
      state.release();
      state.row.status = WorkflowStatus.ERROR;
      state.row.endedBy = EndedBy.SAVE_ERROR;
      state.row.lastError = Columns.cut(text, Columns.LAST_ERROR);
      thrown =
          new WorkflowError(
              "workflow " + watch.id + " failed: " + text,
              watch.id.toString(),
              index,
              null,
              failure);
      if (engine != null) {
        state.events.tell(
            "runEnded", l -> l.runEnded(StoreEvents.any(engine), WorkflowStatus.ERROR));
      }
    } catch (RuntimeException alsoFailed) {
      state.row.status = WorkflowStatus.RUNNING; // as the database may still say
      state.row.endedBy = null;
      thrown =
          new StoreException(
              "workflow "
                  + watch.id
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
    LOG.error("workflow {}: {}", watch.id, text);
    return thrown;
  }
}
