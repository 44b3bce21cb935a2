package dev.flowstate.db;

import dev.flowstate.engine.EngineListener;
import dev.flowstate.engine.WorkflowEngine;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Tells a Flowstate's FlowstateListeners (among its listeners) of the store's events. Nothing is
 * measured while none is registered: the save points ask active() before reading the clock.
 */
final class StoreEvents {

  private static final Logger LOG = LoggerFactory.getLogger(StoreEvents.class);

  private final List<EngineListener<?>> listeners;

  StoreEvents(List<EngineListener<?>> listeners) {
    this.listeners = listeners;
  }

  /** Whether a FlowstateListener is registered: otherwise events are not even timed. */
  boolean active() {
    for (EngineListener<?> listener : listeners) {
      if (listener instanceof FlowstateListener) {
        return true;
      }
    }
    return false;
  }

  void tell(String event, Consumer<FlowstateListener> call) {
    for (EngineListener<?> listener : listeners) {
      if (listener instanceof FlowstateListener store) {
        try {
          call.accept(store);
        } catch (RuntimeException e) {
          LOG.warn("listener {} failed in {}; skipped", listener, event, e);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  static WorkflowEngine<Object> any(WorkflowEngine<?> engine) {
    return (WorkflowEngine<Object>) engine;
  }
}
