package dev.flowstate.spring;

import dev.flowstate.db.Flowstate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;

/*
 * What the health indicators of both Boot lines report, without Boot's types: the database
 * answers (else DOWN, with the error), running workflows whose lease passed or that stalled, and
 * this instance's worker pool. Stuck workflows are details, not DOWN: a pool takes interrupted ones
 * over, and a stalled task is a workflow's trouble, not a reason to restart the application.
 */
final class FlowstateHealth {

  private final Flowstate flowstate;
  private final ObjectProvider<FlowstateAutoConfiguration.FlowstateWorkers> workers;

  FlowstateHealth(
      Flowstate flowstate, ObjectProvider<FlowstateAutoConfiguration.FlowstateWorkers> workers) {
    this.flowstate = flowstate;
    this.workers = workers;
  }

  /** The details; throws when the database does not answer. */
  Map<String, Object> details() {
    Flowstate.Stuck stuck = flowstate.stuck();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("interrupted", stuck.interrupted());
    details.put("stalled", stuck.stalled());
    FlowstateAutoConfiguration.FlowstateWorkers pool = workers.getIfAvailable();
    if (pool == null) {
      details.put("workers", "disabled");
    } else if (pool.pool() == null) {
      details.put("workers", "stopped");
    } else {
      details.put("workers", "running");
      details.put("workerPool", pool.pool().name());
      details.put("workersBusy", pool.pool().stats().running());
    }
    return details;
  }
}
