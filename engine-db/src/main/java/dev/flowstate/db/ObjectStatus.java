package dev.flowstate.db;

/** The stored status of one object of a workflow. */
public enum ObjectStatus {
  /** Stored, not run yet. */
  INITIAL("New"),
  /** Its run ended (normally, or by a task's decision to move on or stop). */
  COMPLETED("Done"),
  /** A task halted on it. */
  HALTED("Need action"),
  /** Being processed (a crash leaves it so). */
  RUNNING("In process"),
  /** A task failed on it. */
  ERROR("Error"),
  /** A task skipped it; its data is as before that run. */
  SKIPPED("Skipped");

  private final String label;

  ObjectStatus(String label) {
    this.label = label;
  }

  /**
   * @return the status for people
   */
  public String label() {
    return label;
  }
}
