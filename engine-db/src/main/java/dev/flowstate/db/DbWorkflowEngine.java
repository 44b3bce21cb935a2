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
