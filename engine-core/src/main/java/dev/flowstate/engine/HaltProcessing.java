package dev.flowstate.engine;

/**
 * Thrown to the caller of {@code process}/{@code restart} when a task halted the run with {@link
 * WorkflowEngine#halt(String, String, Object)}. The engine keeps its state, so the run can be
 * restarted later, in this process or, through a stored {@link EngineState}, in another.
 *
 * <p>Carries the halt's message, an optional action name (what someone must do before restarting)
 * and an optional payload. Has no stack trace: a halt is an expected outcome, not a failure.
 */
public final class HaltProcessing extends Transition {

  private final String action;
  private final transient Object payload;

  HaltProcessing(String message, String action, Object payload) {
    super(message == null ? "" : message);
    this.action = action;
    this.payload = payload;
  }

  @Override
  public Kind kind() {
    return Kind.HALT;
  }

  /**
   * @return why the task halted; empty when it gave no message
   */
  public String message() {
    return getMessage();
  }

  /**
   * @return the name of the action someone must take, or {@code null}
   */
  public String action() {
    return action;
  }

  /**
   * @return the payload the task attached, or {@code null}
   */
  public Object payload() {
    return payload;
  }

  @Override
  public String toString() {
    return "HaltProcessing[message="
        + getMessage()
        + (action == null ? "" : ", action=" + action)
        + (payload == null ? "" : ", payload=" + payload)
        + "]";
  }
}
