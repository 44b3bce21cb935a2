package dev.flowstate.db;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.RestartPosition;
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

  // the run methods give the caller the WorkflowError a TaskFailed carried out of the run loop

  @Override
  public void process(List<? extends T> objects) {
    unwrapped(() -> super.process(objects));
  }

  @Override
  public void process(List<? extends T> objects, boolean stopOnError, boolean stopOnHalt) {
    unwrapped(() -> super.process(objects, stopOnError, stopOnHalt));
  }

  @Override
  public void restart(RestartPosition object, RestartPosition task) {
    unwrapped(() -> super.restart(object, task));
  }

  @Override
  public void restart(String object, String task) {
    unwrapped(() -> super.restart(object, task));
  }

  @Override
  public void restart(RestartPosition object, RestartPosition task, List<? extends T> objects) {
    unwrapped(() -> super.restart(object, task, objects));
  }

  @Override
  public void restart(
      RestartPosition object,
      RestartPosition task,
      List<? extends T> objects,
      boolean stopOnError,
      boolean stopOnHalt) {
    unwrapped(() -> super.restart(object, task, objects, stopOnError, stopOnHalt));
  }

  private static void unwrapped(Runnable run) {
    try {
      run.run();
    } catch (TaskFailed failed) {
      throw failed.error;
    }
  }
}
