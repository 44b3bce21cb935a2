package dev.flowstate.db;

import dev.flowstate.engine.EngineState;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.util.List;
import java.util.UUID;

/**
 * A {@link WorkflowEngine} whose every save point is a committed transaction: the workflow row
 * holds status, positions, extra data and halt details; one row per object holds its status and
 * data. It is the core engine with saving hooks and transition table, not a second loop.
 *
 * <p>Get one from {@link Flowstate#newWorkflow} or {@link Flowstate#load}. A task's exception
 * reaches the caller wrapped in a {@link WorkflowError} carrying the workflow id and object index,
 * with the original as cause. Not thread-safe, like every engine.
 *
 * @param <T> the type of the objects, stored as JSON with Jackson
 */
public final class DbWorkflowEngine<T> extends WorkflowEngine<T> {

  private final SavePoints<T> saves;

  DbWorkflowEngine(SavePoints<T> saves, Flow<T> definition) {
    super(saves, saves);
    this.saves = saves;
    setDefinition(definition);
    setWorkflowId(saves.id.toString());
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
   * objects and at halt, error and run end, and objects are not marked RUNNING; a crash replays
   * every object ended since the last checkpoint (at most N, plus the one running), whose stored
   * data is still as before those runs.
   *
   * <p>After a crash the workflow row still says {@code RUNNING}: if the object at its {@code
   * token_pos} is {@code RUNNING}, resume with {@code restart(CURRENT, FIRST)}, otherwise with
   * {@code restart(NEXT, FIRST)}.
   *
   * @param objects commit after this many objects, at least 1
   * @throws IllegalArgumentException if {@code objects} is less than 1
   * @throws IllegalStateException while the engine runs
   */
  public void setCheckpointEvery(int objects) {
    if (objects < 1) {
      throw new IllegalArgumentException(
          "checkpointEvery must be at least 1 (1 = commit at every save point), got " + objects);
    }
    if (isRunning()) {
      throw new IllegalStateException("setCheckpointEvery cannot be called while the engine runs");
    }
    saves.checkpointEvery = objects;
  }

  /**
   * @return after how many objects a run commits (1: at every save point)
   */
  public int checkpointEvery() {
    return saves.checkpointEvery;
  }

  void restore(EngineState state, java.util.Map<String, Object> extraData, List<T> objects) {
    try {
      setState(state);
    } catch (WorkflowError e) {
      throw new StoreException(
          "workflow " + saves.id + " cannot be resumed: its stored " + e.getMessage(), e);
    }
    if (extraData != null) {
      extraData().putAll(extraData);
    }
    setObjects(objects);
  }
}
