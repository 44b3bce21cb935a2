package dev.flowstate.engine;

/**
 * A change of flow requested by a task through one of the engine's control methods ({@link
 * WorkflowEngine#halt(String)}, {@link WorkflowEngine#stop()}, {@link
 * WorkflowEngine#jumpCall(int)}, ...).
 *
 * <p>Transitions are control flow, not failures: they are thrown very often, so they carry no stack
 * trace, and the engine never logs them as errors. Only {@link HaltProcessing} reaches the caller
 * of {@code process}/{@code restart}; the others are handled inside the run. Code that catches
 * exceptions around a task (retries, wrappers) must let transitions through; check with {@code
 * instanceof Transition}.
 */
public abstract sealed class Transition extends RuntimeException
    permits HaltProcessing, Transition.Simple, Transition.JumpToken, Transition.JumpCall {

  /** The rows of the transition table. */
  public enum Kind {
    /** Halt the run; the caller gets {@link HaltProcessing} and may restart later. */
    HALT,
    /** End the run; the remaining objects are not touched. */
    STOP,
    /** End the run like {@link #STOP}; a persistent engine does not save the object. */
    ABORT,
    /** Leave this object and go on with the next one from its first task. */
    CONTINUE_NEXT_TOKEN,
    /** Like {@link #CONTINUE_NEXT_TOKEN}; a persistent engine does not save the object. */
    SKIP_TOKEN,
    /** Go on with the object at a distance from this one. */
    JUMP_TOKEN,
    /** Go on with the task at a distance from this one, in the same block. */
    JUMP_CALL,
    /** Leave the innermost running block. */
    BREAK_LOOP
  }

  private static final int CACHED_OFFSETS = 64;
  private static final JumpCall[] JUMP_CALLS = new JumpCall[2 * CACHED_OFFSETS + 1];
  private static final JumpToken[] JUMP_TOKENS = new JumpToken[2 * CACHED_OFFSETS + 1];

  static final Simple STOP = new Simple(Kind.STOP, "stop");
  static final Simple ABORT = new Simple(Kind.ABORT, "abort");
  static final Simple CONTINUE_NEXT_TOKEN =
      new Simple(Kind.CONTINUE_NEXT_TOKEN, "continueNextToken");
  static final Simple SKIP_TOKEN = new Simple(Kind.SKIP_TOKEN, "skipToken");
  static final Simple BREAK_LOOP = new Simple(Kind.BREAK_LOOP, "breakCurrentLoop");

  static {
    for (int i = 0; i < JUMP_CALLS.length; i++) {
      JUMP_CALLS[i] = new JumpCall(i - CACHED_OFFSETS);
      JUMP_TOKENS[i] = new JumpToken(i - CACHED_OFFSETS);
    }
  }

  Transition(String message) {
    // no cause, no suppression, no stack trace: a transition is a goto, not a failure
    super(message, null, false, false);
  }

  /**
   * @return which row of the transition table applies
   */
  public abstract Kind kind();

  static JumpCall jumpCall(int offset) {
    return offset >= -CACHED_OFFSETS && offset <= CACHED_OFFSETS
        ? JUMP_CALLS[offset + CACHED_OFFSETS]
        : new JumpCall(offset);
  }

  static JumpToken jumpToken(int offset) {
    return offset >= -CACHED_OFFSETS && offset <= CACHED_OFFSETS
        ? JUMP_TOKENS[offset + CACHED_OFFSETS]
        : new JumpToken(offset);
  }

  /** A transition without payload; one shared instance per kind. */
  static final class Simple extends Transition {
    private final Kind kind;

    private Simple(Kind kind, String message) {
      super(message);
      this.kind = kind;
    }

    @Override
    public Kind kind() {
      return kind;
    }
  }

  /** {@link Kind#JUMP_TOKEN} with its offset. */
  static final class JumpToken extends Transition {
    final int offset;

    private JumpToken(int offset) {
      super("jumpToken(" + offset + ")");
      this.offset = offset;
    }

    @Override
    public Kind kind() {
      return Kind.JUMP_TOKEN;
    }
  }

  /** {@link Kind#JUMP_CALL} with its offset. */
  static final class JumpCall extends Transition {
    final int offset;

    private JumpCall(int offset) {
      super("jumpCall(" + offset + ")");
      this.offset = offset;
    }

    @Override
    public Kind kind() {
      return Kind.JUMP_CALL;
    }
  }
}
