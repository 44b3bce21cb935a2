package dev.flowstate.db;

import dev.flowstate.engine.WorkflowEngine;
import java.util.UUID;

/**
 * What other threads see of a run in progress: the heartbeat (how long since its last save point,
 * where it is, whether it was taken over) and a closing worker pool (asking it to hand its workflow
 * back). Everything here is read racily by design: it informs warnings and requests, never a save.
 */
final class RunWatch {

  final UUID id;
  final String definitionName;

  /** This engine as the workflow row's owner names it while a run holds the workflow. */
  final String owner;

  /** Set when the heartbeat found the workflow taken over by another engine. */
  private volatile boolean fenced;

  private volatile boolean yieldRequested;

  /** When the run last reached a save point (System.nanoTime). */
  private volatile long progressNanos;

  /** The thread running the run, for the stack of a stalled run's warning. */
  private volatile Thread runner;

  private volatile WorkflowEngine<?> engine;

  /** Whether the heartbeat marked this run stalled (heartbeat's thread only). */
  boolean markedStalled;

  RunWatch(UUID id, String definitionName, String owner) {
    this.id = id;
    this.definitionName = definitionName;
    this.owner = owner;
  }

  /** A run begins on this thread; a fence from an earlier run no longer applies. */
  void started(WorkflowEngine<?> engine) {
    this.engine = engine;
    runner = Thread.currentThread();
    progressNanos = System.nanoTime();
    markedStalled = false;
  }

  /** Before a run writes its first save point: it starts unfenced. */
  void unfence() {
    fenced = false;
  }

  /** The run reached a save point or an object. */
  void progressed() {
    progressNanos = System.nanoTime();
  }

  /** How long the run has been without a save point, in nanoseconds. */
  long sinceProgress(long nowNanos) {
    return nowNanos - progressNanos;
  }

  /** Where the run is now: its object and task, as well as another thread can tell. */
  String where() {
    WorkflowEngine<?> running = engine;
    try {
      return "object " + running.state().tokenPos() + ", task " + running.currentTaskName();
    } catch (RuntimeException racing) {
      return "a task";
    }
  }

  /** The task the run is in now, as well as another thread can tell, or null. */
  String currentTask() {
    WorkflowEngine<?> running = engine;
    try {
      return running == null ? null : running.currentTaskName();
    } catch (RuntimeException racing) {
      return null;
    }
  }

  Thread runner() {
    return runner;
  }

  /** The heartbeat found the row taken over: the next save point writes nothing. */
  void fencedOut() {
    fenced = true;
  }

  boolean fenced() {
    return fenced;
  }

  /**
   * Asks the run to hand its workflow back at its next save point between two objects (a worker
   * pool shutting down): that commit also releases the workflow, left RUNNING with no owner, so any
   * pool takes it over at once and resumes with the next object; the run then ends with {@link
   * Yielded}.
   */
  void requestYield() {
    yieldRequested = true;
  }

  boolean yieldRequested() {
    return yieldRequested;
  }
}
