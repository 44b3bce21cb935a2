package dev.flowstate.db;

/** The stored status of a workflow; the database holds the name, the views show the label. */
public enum WorkflowStatus {
  /** Created, not run yet. */
  NEW("New"),
  /** A run is in progress (or the process running it died). */
  RUNNING("Running"),
  /** Halted, stopped or aborted before the last object: restartable. */
  HALTED("Halted"),
  /** A task failed. */
  ERROR("Error"),
  /** Every object was processed. */
  COMPLETED("Completed");

  private final String label;

  WorkflowStatus(String label) {
    this.label = label;
  }

  /**
   * @return the status for people, as the reference shows it
   */
  public String label() {
    return label;
  }
}
