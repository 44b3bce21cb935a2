package dev.flowstate.db;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstate.db.internal.EndedBy;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.TransitionTable;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import dev.flowstate.migrations.Columns;
import java.util.List;

/**
 * The save points of the ways an object's run ends other than completing (SEMANTICS §7): halt, task
 * failure, stop, abort, skip, continue, jump, and an object that cannot be read. The run's state
 * and its writes are {@link SavePoints}'s, whose hooks save the moments of an ordinary run.
 */
final class SaveTransitions<T> implements TransitionTable<T> {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SavePoints.class);

  private final SavePoints<T> saves;

  SaveTransitions(SavePoints<T> saves) {
    this.saves = saves;
    saves.unreadable = this::unreadable;
  }

  @Override
  public Next onHalt(WorkflowEngine<T> engine, T obj, HaltProcessing halt) {
    saves.inRun = false;
    int index = engine.state().tokenPos();
    String task = engine.currentTaskName();
    List<Integer> callbackPos = engine.state().callbackPos();
    saves.commitOrFail(
        engine,
        index,
        "the halt at task " + task + " (\"" + halt.message() + "\") on object " + index,
        halt,
        () -> {
          JsonNode payload = saves.json.payload(halt.payload());
          saves.state.ended(
              saves.ended(
                  index,
                  ObjectStatus.HALTED,
                  saves.json.object(obj, index),
                  callbackPos,
                  null,
                  "HALTED"));
          saves.row.status = WorkflowStatus.HALTED;
          // a retry is due after its delay: a worker pool resumes it then, running the task again
          saves.row.endedBy = halt.retryAfter() == null ? EndedBy.HALT : EndedBy.RETRY;
          saves.row.resumeAt =
              halt.retryAfter() == null ? null : saves.leases.now().plus(halt.retryAfter());
          saves.row.haltMessage = cut(halt.message(), Columns.HALT_MESSAGE);
          saves.row.haltAction = cut(halt.action(), Columns.HALT_ACTION);
          saves.row.haltPayload = payload;
          saves.commitRunState(engine);
        });
    LOG.warn(
        "workflow {} halted at object {}, task {} {}: {}",
        saves.id,
        index,
        task,
        callbackPos,
        halt.message());
    throw halt;
  }

  @Override
  public Next onError(WorkflowEngine<T> engine, T obj, Throwable error) {
    if (error == saves.recorded) {
      throw saves.recorded; // a failed save of this run, already recorded where it failed
    }
    saves.transaction
        .undoTask(); // the failed task's writes go; earlier tasks' commit with the error
    saves.inRun = false;
    int index = engine.state().tokenPos();
    String task = engine.currentTaskName();
    String text = errorText(error);
    saves.commitOrFail(
        engine,
        index,
        "the failure of task " + task + " (" + text + ") on object " + index,
        error,
        () -> {
          // the data as the failed task left it: resume() runs that task again on it
          String data = obj == null ? null : saves.json.object(obj, index);
          saves.state.ended(
              saves.ended(
                  index,
                  ObjectStatus.ERROR,
                  data,
                  engine.state().callbackPos(),
                  cut(text, Columns.ERROR_TEXT),
                  "ERROR"));
          saves.row.status = WorkflowStatus.ERROR;
          saves.row.endedBy = EndedBy.ERROR;
          saves.row.lastError =
              cut("task " + task + " on object " + index + ": " + text, Columns.LAST_ERROR);
          saves.commitRunState(engine);
        });
    // one line per failed run, wherever it runs (a worker pool logs nothing more of it)
    LOG.warn(
        "workflow {} ({}) failed at object {}, task {} {}: {}",
        saves.id,
        saves.definitionName,
        index,
        task,
        engine.state().callbackPos(),
        text,
        error);
    WorkflowError failed =
        error instanceof WorkflowError known && saves.id.toString().equals(known.workflowId())
            ? known
            : new WorkflowError(
                "workflow "
                    + saves.id
                    + " failed at object "
                    + index
                    + ", task "
                    + task
                    + ": "
                    + text,
                saves.id.toString(),
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
    saves.endedBy = "stopped by task " + engine.currentTaskName() + " on object " + index;
    saves.commitOrFail(
        engine,
        index,
        "the stop on object " + index,
        null,
        // the run's end follows at once and commits this object with the workflow's end, in one
        // transaction (afterProcessing): nothing runs in between that a crash could split
        () -> completedAs(index, obj, "STOPPED"));
    return Next.END_RUN;
  }

  @Override
  public Next onAbort(WorkflowEngine<T> engine, T obj) {
    int index = engine.state().tokenPos();
    saves.aborted = true;
    saves.transaction.undoObject();
    saves.endedBy = "aborted by task " + engine.currentTaskName() + " on object " + index;
    // an object this run did not mark RUNNING still has the status it had before this run
    ObjectStatus back = saves.markedAt == index ? saves.statusBefore : null;
    saves.commitOrFail(
        engine,
        index,
        "the abort of object " + index,
        null,
        () ->
            saves.state.ended(
                saves.ended(index, back, null, null, null, "ABORTED"))); // as for a stop
    return Next.END_RUN;
  }

  @Override
  public Next onContinueNextToken(WorkflowEngine<T> engine, T obj) {
    saves.completed(engine, obj, "CONTINUED");
    return Next.NEXT_OBJECT;
  }

  @Override
  public Next onJumpToken(WorkflowEngine<T> engine, T obj, int offset) {
    int index = engine.state().tokenPos();
    saves.commitObjectOrFail(
        engine,
        index,
        () -> {
          completedAs(index, obj, "JUMPED");
          if (saves.checkpointEvery == 1) {
            // where the loop will go: a crash now resumes with the object the jump lands on
            saves.row.tokenPos =
                offset > 0
                    ? Math.min(saves.objects.size(), index - 1 + offset)
                    : Math.max(-1, index - 1 + offset);
            saves.row.callbackPos = saves.FIRST_TASK;
            saves.commit(engine, -1); // the next object is elsewhere: its "before object" marks it
          }
        });
    return Next.NEXT_OBJECT;
  }

  @Override
  public Next onSkipToken(WorkflowEngine<T> engine, T obj) {
    saves.transaction.undoObject();
    int index = engine.state().tokenPos();
    saves.commitObjectOrFail(
        engine,
        index,
        () ->
            saves.movedOn(
                engine, saves.ended(index, ObjectStatus.SKIPPED, null, null, null, "SKIPPED")));
    return Next.NEXT_OBJECT;
  }

  /**
   * A stored object that cannot be read was met mid-run: the workflow becomes ERROR at it, so that
   * no object stays RUNNING; the caller gets the exception.
   */
  void unreadable(StoreException problem, int index) {
    if (!saves.inRun || saves.engine.state().tokenPos() != index) {
      return; // not the object the run moves to (before the run, or a task's own read)
    }
    saves.inRun = false;
    saves.state.ended(
        saves.ended(
            index,
            ObjectStatus.ERROR,
            null,
            null,
            cut(problem.getMessage(), Columns.ERROR_TEXT),
            "ERROR"));
    saves.row.status = WorkflowStatus.ERROR;
    saves.row.endedBy = EndedBy.ERROR;
    saves.row.lastError = cut(problem.getMessage(), Columns.LAST_ERROR);
    saves.row.tokenPos = index;
    saves.row.callbackPos = saves.FIRST_TASK;
    saves.state.release();
    // the run's open transaction holds only the writes of the objects pending above (the row is
    // read before its object starts): they commit with those objects' ends
    saves.commit(null, -1);
    saves.leases.ended(saves.watch);
  }

  /** The object ended COMPLETED with its data, by a task's decision ({@code outcome}). */
  private void completedAs(int index, T obj, String outcome) {
    saves.state.ended(
        saves.ended(
            index, ObjectStatus.COMPLETED, saves.json.object(obj, index), null, null, outcome));
  }

  private static String cut(String text, int length) {
    return Columns.cut(text, length);
  }
}
