package dev.flowstate.db;

/**
 * The keys that log lines carry during a run (SLF4J MDC): the workflow and its definition for the
 * whole run (set by the engine), the object and the task as the run moves (set by its hooks).
 */
final class RunLogs {

  static final String WORKFLOW = "flowstate.workflowId";
  static final String DEFINITION = "flowstate.definition";
  static final String OBJECT = "flowstate.object";
  static final String TASK = "flowstate.task";

  private RunLogs() {}
}
