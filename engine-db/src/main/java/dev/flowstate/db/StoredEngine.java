package dev.flowstate.db;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.WorkflowEngine;
import java.util.List;
import org.slf4j.MDC;

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

  /** Log lines during a run carry these (SLF4J MDC); the object and task ones are the hooks'. */
  static final String MDC_WORKFLOW = "flowstate.workflowId";

  static final String MDC_DEFINITION = "flowstate.definition";
  static final String MDC_OBJECT = "flowstate.object";
  static final String MDC_TASK = "flowstate.task";

  private void unwrapped(Runnable run) {
    // a run inside a run (a task resuming another workflow) gets its own keys, then the outer's
    String workflow = MDC.get(MDC_WORKFLOW);
    String definition = MDC.get(MDC_DEFINITION);
    String object = MDC.get(MDC_OBJECT);
    String task = MDC.get(MDC_TASK);
    MDC.put(MDC_WORKFLOW, saves.id.toString());
    MDC.put(MDC_DEFINITION, saves.definitionName);
    try {
      run.run();
    } catch (TaskFailed failed) {
      throw failed.error;
    } finally {
      restore(MDC_WORKFLOW, workflow);
      restore(MDC_DEFINITION, definition);
      restore(MDC_OBJECT, object);
      restore(MDC_TASK, task);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
