package dev.flowstate.db;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.WorkflowEngine;
import java.util.List;
import org.slf4j.MDC;

/**
 * The core engine inside a {@link DbWorkflowEngine}: the one run loop, with the save points as its
 * hooks and transition table. Never handed to callers, but tasks and listeners get it as the engine
 * running them (the core's task signature), so it refuses what would change what the stored
 * workflow is: its definition, the chooser of definitions, its id and its state. Refusing, rather
 * than handing tasks a narrower type, keeps the core's one task signature for stored and in-memory
 * workflows alike; a call that cannot be right fails at once with what to do instead.
 */
final class StoredEngine<T> extends WorkflowEngine<T> {

  final SavePoints<T> saves;

  /** Set once the constructor has wired the engine: from then on the rewiring methods refuse. */
  private final boolean sealed;

  StoredEngine(SavePoints<T> saves, Flow<T> definition) {
    super(saves, new SaveTransitions<>(saves));
    this.saves = saves;
    setDefinition(definition);
    setWorkflowId(saves.id.toString());
    sealed = true;
  }

  @Override
  public WorkflowEngine<T> setDefinition(String key, Flow<T> definition) {
    if (sealed) {
      throw fixed(
          "its definition ('"
              + saves.definitionName
              + "') is chosen by name when it is loaded; register the changed definition with"
              + " Flowstate.register and load the workflow with allowChangedDefinition instead of"
              + " setDefinition");
    }
    return super.setDefinition(key, definition);
  }

  @Override
  public WorkflowEngine<T> setCallbackChooser(java.util.function.Function<? super T, String> c) {
    throw fixed(
        "it runs the one definition it was stored with ('"
            + saves.definitionName
            + "'), so setCallbackChooser has nothing to choose from");
  }

  @Override
  public WorkflowEngine<T> setWorkflowId(String workflowId) {
    if (sealed) {
      throw fixed("its id is its row's and cannot change (setWorkflowId)");
    }
    return super.setWorkflowId(workflowId);
  }

  @Override
  public void setState(dev.flowstate.engine.EngineState state) {
    throw fixed(
        "its positions are the stored ones; move them with restart(object, task) or resume()"
            + " instead of setState");
  }

  /** The stored positions, set by a load or before a resume (not through the public setter). */
  void state(dev.flowstate.engine.EngineState state) {
    super.setState(state);
  }

  private IllegalStateException fixed(String what) {
    return new IllegalStateException("workflow " + saves.id + " is stored: " + what);
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

  private void unwrapped(Runnable run) {
    // a run inside a run (a task resuming another workflow) gets its own keys, then the outer's
    String workflow = MDC.get(RunLogs.WORKFLOW);
    String definition = MDC.get(RunLogs.DEFINITION);
    String object = MDC.get(RunLogs.OBJECT);
    String task = MDC.get(RunLogs.TASK);
    MDC.put(RunLogs.WORKFLOW, saves.id.toString());
    MDC.put(RunLogs.DEFINITION, saves.definitionName);
    try {
      run.run();
    } catch (TaskFailed failed) {
      throw failed.error;
    } finally {
      restore(RunLogs.WORKFLOW, workflow);
      restore(RunLogs.DEFINITION, definition);
      restore(RunLogs.OBJECT, object);
      restore(RunLogs.TASK, task);
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
