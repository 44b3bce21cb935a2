package dev.flowstate.engine;

import java.util.Arrays;
import java.util.List;

/*
 * The machine. One engine owns one RunLoop; this is the only loop there is: the persistent
 * engine adds hooks and a transition table around it, never a loop of its own.
 *
 * State: tokenPos is the index of the current object (-1 before the first). The task position
 * is a path of indices, one per nesting level, held as pos[0 .. depth-1] ([2, 0, 1] = third
 * element of the definition, its first element, that one's second element). Both are plain
 * ints so that a save point can turn them into an EngineState and back.
 *
 * Objects: while an object follows tokenPos, move to it, choose its definition, run the
 * definition from pos, then reset pos to [0]. A restart sets tokenPos and pos first and enters
 * the same loop without resetting them, which is the whole trick of resuming.
 *
 * Blocks (runBlock): pos[d] walks the block at depth d. When pos is deeper than d we are
 * resuming inside the nested block at pos[d] and go straight into it. A nested block gets a
 * fresh index 0 pushed; when it returns, its index is popped and ours advances. A task's
 * JumpCall(n) moves pos[d] by n from the task that asked (clamped to -1 .. size, then the usual
 * +1); BreakFromThisLoop leaves the block. Both are caught by the innermost running block only.
 * A finished block leaves pos[d] on its last element. Any other transition or exception leaves
 * pos untouched on the task that threw it, so a halted run points at the halting task.
 *
 * Transitions reaching the object loop go to the TransitionTable, which answers NEXT_OBJECT
 * (reset pos, move on; for JumpToken move tokenPos first) or END_RUN (afterProcessing runs), or
 * throws. Halts and errors leave the run by throwing: no afterProcessing. In process(), a halt
 * (or a WorkflowError) is rethrown when stopOnHalt (stopOnError), else the loop resumes with the
 * next object from its first task.
 *
 * Hooks may do anything the engine allows, except run the engine again (running guards that).
 * A hook that throws is a failure: around an object it fails that object through the table's
 * onError, like a task; beforeProcessing and afterProcessing have no object, so their exception
 * is told to the listeners as an error and reaches the caller as itself.
 * The hot path is runBlock: no allocation, no logging, hooks and listeners are no-op instances
 * when unused so the JIT inlines them away.
 */
final class RunLoop<T> {

  private final WorkflowEngine<T> engine;

  List<? extends T> objects = List.of();
  int tokenPos = -1;
  int[] pos = new int[8];
  int depth = 1;
  boolean currentObjectProcessed;
  boolean running;

  /** Whether the latest run got past beforeProcessing (a run refused there changes nothing). */
  boolean started;

  /** A jumpCall/break a task asked for on return; NONE when there is none. */
  int pending = NONE;

  /** What a task threw that its block does not handle, on its way to the object loop. */
  Throwable escaped;

  static final int NONE = Integer.MIN_VALUE;
  static final int BREAK = Integer.MIN_VALUE + 1;

  /** The definition of the object being processed, for task names; null before any object. */
  Flow<T> currentFlow;

  RunLoop(WorkflowEngine<T> engine) {
    this.engine = engine;
  }

  void resetPosition() {
    pos[0] = 0;
    depth = 1;
    pending = NONE;
  }

  void setPosition(int[] path) {
    if (path.length > pos.length) {
      pos = new int[Math.max(path.length, pos.length * 2)];
    }
    System.arraycopy(path, 0, pos, 0, path.length);
    depth = path.length;
    pending = NONE;
  }

  int[] position() {
    return Arrays.copyOf(pos, depth);
  }

  /**
   * Runs objects after tokenPos, resuming after halts/errors when asked to.
   *
   * @return the halt that ended the run (for the caller to throw), or null
   */
  HaltProcessing run(List<? extends T> objects, boolean stopOnError, boolean stopOnHalt) {
    running = true;
    started = false;
    try {
      boolean initial = true;
      while (true) {
        try {
          if (!initial) {
            // as restart(NEXT, FIRST): abandon the halted object, go on with the next one
            resetPosition();
          }
          initial = false;
          HaltProcessing halt = runObjects(objects);
          if (halt == null || stopOnHalt) {
            return halt;
          }
        } catch (HaltProcessing halt) {
          if (stopOnHalt) {
            throw halt;
          }
        } catch (WorkflowError error) {
          if (stopOnError) {
            throw error;
          }
        }
      }
    } finally {
      running = false;
    }
  }

  /** Returns a halt instead of throwing it when the standard table would just rethrow it. */
  private HaltProcessing runObjects(List<? extends T> objects) {
    final WorkflowEngine<T> engine = this.engine;
    final EngineHooks<T> hooks = engine.hooks;
    List<? extends T> before = this.objects;
    this.objects = objects;
    currentObjectProcessed = false;
    engine.listener.started(engine);
    try {
      hooks.beforeProcessing(engine, objects);
    } catch (RuntimeException | Error failed) {
      // no object to fail yet: the run never started, the engine keeps its objects, and the
      // caller gets the hook's exception
      this.objects = before;
      engine.listener.error(engine, failed);
      throw failed;
    }
    started = true;
    while (objects.size() - 1 > tokenPos) {
      tokenPos++;
      T obj = objects.get(tokenPos);
      Throwable failure;
      try {
        // every hook inside the try: a hook that throws fails its object like a task (a failed
        // save must take the error path, never leave the run with its rows half written)
        hooks.beforeObject(engine, obj);
        Flow<T> flow = engine.chooseDefinition(obj);
        currentFlow = flow;
        hooks.beforeCallbacks(engine, obj);
        try {
          runBlock(flow, 0, obj);
        } finally {
          hooks.afterCallbacks(engine, obj);
        }
        failure = escaped;
        if (failure == null) {
          hooks.afterObject(engine, obj);
        }
      } catch (Throwable thrown) {
        failure = thrown; // from a hook; like a finally, it wins over what a task threw
      }
      escaped = null;
      if (failure != null) {
        if (failure instanceof Transition transition) {
          if (transition instanceof HaltProcessing halt
              && engine.transitions == StandardTable.INSTANCE) {
            // the standard table would only rethrow: hand the halt up to be thrown once
            engine.listener.halted(engine, halt);
            return halt;
          }
          if (onTransition(transition, obj) == TransitionTable.Next.END_RUN) {
            break;
          }
        } else {
          if (failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError)) {
            throw (Error) failure; // out of memory: nothing sensible can run any more
          }
          engine.listener.error(engine, failure);
          if (engine.transitions.onError(engine, obj, failure) == TransitionTable.Next.END_RUN) {
            break;
          }
        }
      }
      resetPosition();
    }
    currentObjectProcessed = true;
    try {
      hooks.afterProcessing(engine, objects);
    } catch (RuntimeException | Error failed) {
      currentObjectProcessed = false; // the run's end was not recorded: it did not complete
      engine.listener.error(engine, failed);
      throw failed;
    }
    engine.listener.finished(engine);
    return null;
  }

  private TransitionTable.Next onTransition(Transition transition, T obj) {
    TransitionTable<T> table = engine.transitions;
    switch (transition.kind()) {
      case HALT:
        HaltProcessing halt = (HaltProcessing) transition;
        engine.listener.halted(engine, halt);
        return table.onHalt(engine, obj, halt);
      case STOP:
        return table.onStop(engine, obj);
      case ABORT:
        return table.onAbort(engine, obj);
      case CONTINUE_NEXT_TOKEN:
        return table.onContinueNextToken(engine, obj);
      case SKIP_TOKEN:
        return table.onSkipToken(engine, obj);
      case JUMP_TOKEN:
        int offset = ((Transition.JumpToken) transition).offset;
        TransitionTable.Next next = table.onJumpToken(engine, obj, offset);
        if (next == TransitionTable.Next.NEXT_OBJECT) {
          // the loop adds 1 before the next object, hence the -1
          tokenPos =
              offset > 0
                  ? Math.min(objects.size(), tokenPos - 1 + offset)
                  : Math.max(-1, tokenPos - 1 + offset);
        }
        return next;
      default:
        // jumpCall/breakCurrentLoop are caught by the block running the task; here one came
        // from a hook or from outside any block
        IllegalStateException misplaced =
            new IllegalStateException(
                transition.getMessage()
                    + " was called outside a task; call it from a task of the definition");
        engine.listener.error(engine, misplaced);
        return table.onError(engine, obj, misplaced);
    }
  }

  /**
   * Runs a block from pos[d]. A task's jump or break is applied here; anything else a task throws
   * is left in {@link #escaped} and every enclosing block returns at once, with pos untouched: one
   * unwinding (task to here) instead of one per level, which is what a halt mostly costs.
   */
  @SuppressWarnings("unchecked")
  private void runBlock(Flow<T> block, int d, T obj) {
    final Object[] items = block.items;
    final int size = items.length;
    final WorkflowEngine<T> engine = this.engine;
    final EngineHooks<T> hooks = engine.hooks;
    int[] pos = this.pos;
    while (pos[d] < size) {
      Object item = items[pos[d]];
      boolean resuming = depth > d + 1; // pos goes deeper: resume inside the block at pos[d]
      if (resuming || item instanceof Flow) {
        if (!resuming) {
          push();
        }
        runBlock((Flow<T>) item, d + 1, obj);
        if (escaped != null) {
          return;
        }
        pos = this.pos;
        depth--;
        pos[d]++;
        continue;
      }
      Task<T> task = (Task<T>) item;
      hooks.beforeEachCallback(engine, task, obj);
      try {
        task.run(obj, engine);
      } catch (Throwable thrown) {
        if (thrown instanceof Transition.JumpCall jump) {
          pending = jump.offset;
        } else if (thrown == Transition.BREAK_LOOP) {
          pending = BREAK;
        } else {
          escaped = thrown;
          hooks.afterEachCallback(engine, task, obj, thrown);
          return;
        }
      }
      hooks.afterEachCallback(engine, task, obj, null);
      int jump = pending;
      if (jump != NONE) {
        // a jump or break, thrown or asked for on return (the cheap way patterns use)
        pending = NONE;
        if (jump == BREAK) {
          return; // pos[d] stays on the task that broke
        }
        pos[d] = jump >= 0 ? Math.min(size, pos[d] + jump - 1) : Math.max(-1, pos[d] + jump - 1);
      }
      pos[d]++;
    }
    pos[d]--;
  }

  private void push() {
    if (depth == pos.length) {
      pos = Arrays.copyOf(pos, depth * 2);
    }
    pos[depth++] = 0;
  }
}
