package dev.flowstate.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one engine, told in the order they were added. A listener that throws is logged
 * and skipped; the run goes on.
 */
final class Listeners<T> implements EngineListener<T> {

  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final List<EngineListener<T>> listeners = new CopyOnWriteArrayList<>();

  void add(EngineListener<T> listener) {
    listeners.add(listener);
  }

  boolean remove(EngineListener<T> listener) {
    return listeners.remove(listener);
  }

  boolean isEmpty() {
    return listeners.isEmpty();
  }

  @Override
  public void started(WorkflowEngine<T> engine) {
    for (EngineListener<T> listener : listeners) {
      try {
        listener.started(engine);
      } catch (RuntimeException e) {
        failed(engine, listener, "started", e);
      }
    }
  }

  @Override
  public void finished(WorkflowEngine<T> engine) {
    for (EngineListener<T> listener : listeners) {
      try {
        listener.finished(engine);
      } catch (RuntimeException e) {
        failed(engine, listener, "finished", e);
      }
    }
  }

  @Override
  public void halted(WorkflowEngine<T> engine, HaltProcessing halt) {
    for (EngineListener<T> listener : listeners) {
      try {
        listener.halted(engine, halt);
      } catch (RuntimeException e) {
        failed(engine, listener, "halted", e);
      }
    }
  }

  @Override
  public void error(WorkflowEngine<T> engine, Throwable error) {
    for (EngineListener<T> listener : listeners) {
      try {
        listener.error(engine, error);
      } catch (RuntimeException e) {
        failed(engine, listener, "error", e);
      }
    }
  }

  private static void failed(
      WorkflowEngine<?> engine, EngineListener<?> listener, String event, RuntimeException e) {
    LOG.warn(
        "workflow {}: listener {} threw on '{}'; the run goes on",
        engine.workflowId(),
        listener,
        event,
        e);
  }
}
