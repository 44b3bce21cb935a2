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
    super(saves, saves.transitions);
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
