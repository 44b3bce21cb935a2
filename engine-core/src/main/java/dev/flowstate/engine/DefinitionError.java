package dev.flowstate.engine;

/**
 * A definition or pattern was built from bad parts: a {@code null} task or branch, an unknown
 * comparison operator, a negative retry count. Thrown when the definition is built, before anything
 * runs.
 */
public class DefinitionError extends FlowstateException {

  /**
   * @param message names the bad part and its position
   */
  public DefinitionError(String message) {
    super(message);
  }
}
