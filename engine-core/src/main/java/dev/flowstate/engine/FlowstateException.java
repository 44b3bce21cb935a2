package dev.flowstate.engine;

/**
 * The root of flowstate's real failures (not of {@link Transition}s, which are control flow). Catch
 * it to handle anything flowstate itself reports.
 */
public abstract class FlowstateException extends RuntimeException {

  /**
   * @param message what went wrong and, where possible, how to fix it
   */
  protected FlowstateException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and, where possible, how to fix it
   * @param cause the underlying failure
   */
  protected FlowstateException(String message, Throwable cause) {
    super(message, cause);
  }
}
