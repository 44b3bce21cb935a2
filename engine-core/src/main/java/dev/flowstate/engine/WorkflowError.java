package dev.flowstate.engine;

/**
 * A workflow could not run or went wrong while running: bad arguments to {@code process} or {@code
 * restart}, a missing definition, a task's checked exception.
 *
 * <p>Carries, when known, the workflow id ({@link WorkflowEngine#workflowId()}), the index of the
 * object being processed and a payload.
 */
public class WorkflowError extends FlowstateException {

  /** Value of {@link #objectIndex()} when no object is concerned. */
  public static final int NO_OBJECT = -1;

  private final String workflowId;
  private final int objectIndex;
  private final transient Object payload;

  /**
   * An error without workflow context.
   *
   * @param message what went wrong and how to fix it
   */
  public WorkflowError(String message) {
    this(message, null, NO_OBJECT, null, null);
  }

  /**
   * An error with context.
   *
   * @param message what went wrong and how to fix it
   * @param workflowId the workflow's id, or {@code null}
   * @param objectIndex the index of the object being processed, or {@link #NO_OBJECT}
   * @param payload anything the handler of the error needs, or {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public WorkflowError(
      String message, String workflowId, int objectIndex, Object payload, Throwable cause) {
    super(message, cause);
    this.workflowId = workflowId;
    this.objectIndex = objectIndex;
    this.payload = payload;
  }

  /**
   * @return the workflow's id, or {@code null} when the engine has none
   */
  public String workflowId() {
    return workflowId;
  }

  /**
   * @return index of the object being processed, or {@link #NO_OBJECT}
   */
  public int objectIndex() {
    return objectIndex;
  }

  /**
   * @return the payload, or {@code null}
   */
  public Object payload() {
    return payload;
  }
}
