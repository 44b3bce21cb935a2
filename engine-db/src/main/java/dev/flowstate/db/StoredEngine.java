package dev.flowstate.db;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.WorkflowEngine;
import java.util.List;

/**
 * The core engine inside a {@link DbWorkflowEngine}: the one run loop, with the save points as its
 * hooks and transition table. Never handed to callers (tasks and listeners see it as the engine
 * running them, where a run guards the rewiring methods), so a stored workflow's definition and id
 * cannot be changed under it.
 */
final class StoredEngine<T> extends WorkflowEngine<T> {

  final SavePoints<T> saves;

  StoredEngine(SavePoints<T> saves, Flow<T> definition) {
    super(saves, saves);
    this.saves = saves;
    setDefinition(definition);
    setWorkflowId(saves.id.toString());
  }

  /** The objects of the next restart, without running them. */
  void objects(List<? extends T> objects) {
    setObjects(objects);
  }
}
