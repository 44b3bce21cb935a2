package dev.flowstate.engine;

import java.time.Duration;

/**
 * Thrown to the caller of {@code process}/{@code restart} when a task halted the run with {@link
 * WorkflowEngine#halt(String, String, Object)}. The engine keeps its state, so the run can be
 * restarted later, in this process or, through a stored {@link EngineState}, in another.
 *
 * <p>Carries the halt's message, an optional action name (what someone must do before restarting)
 * and an optional payload. Has no stack trace: a halt is an expected outcome, not a failure.
 *
 * <p>A halt from {@link WorkflowEngine#retryAfter(Duration, String)} also carries a delay: the
 * halting task asks to be run again once it has passed (restart at the current object and task). A
 * stored workflow's {@code resume()} does that, and a worker pool resumes it when it is due.
 */
public final class HaltProcessing extends Transition {

  private final String action;
  private final transient Object payload;
  private final Duration retryAfter;

  HaltProcessing(String message, String action, Object payload) {
    this(message, action, payload, null);
  }

  HaltProcessing(String message, String action, Object payload, Duration retryAfter) {
    super(message == null ? "" : message);
    this.action = action;
    this.payload = payload;
    this.retryAfter = retryAfter;
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

  /**
   * @return after how long the halting task asked to be run again, or {@code null} for a plain halt
   *     (restart after the halting task, when someone has acted)
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public String toString() {
    return "HaltProcessing[message="
        + getMessage()
        + (action == null ? "" : ", action=" + action)
        + (payload == null ? "" : ", payload=" + payload)
        + (retryAfter == null ? "" : ", retryAfter=" + retryAfter)
        + "]";
  }
}
