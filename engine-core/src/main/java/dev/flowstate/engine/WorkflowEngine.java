package dev.flowstate.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a definition over a list of objects, one object at a time, and lets tasks change the flow.
 *
 * <pre>{@code
 * WorkflowEngine<Doc> engine = new WorkflowEngine<>(Flow.of(parse, check, save));
 * try {
 *   engine.process(docs);
 * } catch (HaltProcessing halt) {
 *   // fix what halt.message() asks for, then go on right after the halting task
 *   engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);
 * }
 * }</pre>
 *
 * <p>Definitions are registered under keys ({@value #DEFAULT_KEY} is the default); a {@linkplain
 * #setCallbackChooser callback chooser} picks the key for each object. The machine state ({@link
 * #state()}) is plain data and can be given to a fresh engine ({@link #setState}) to resume in
 * another process; {@link #extraData()} is a map shared by all objects of the engine.
 *
 * <p>Tasks change the flow with the control methods ({@link #halt}, {@link #stop}, {@link #abort},
 * {@link #skipToken}, {@link #continueNextToken}, {@link #jumpToken}, {@link #jumpCall}, {@link
 * #breakCurrentLoop}); each throws a {@link Transition} that the engine handles.
 *
 * <p>To extend the engine, give it {@link EngineHooks} and a {@link TransitionTable}, by
 * composition ({@link #WorkflowEngine(EngineHooks, TransitionTable)}) or from a subclass's
 * constructor. Not thread-safe: one engine runs on one thread at a time.
 *
 * @param <T> the type of the objects the workflow runs on
 */
public class WorkflowEngine<T> {

  /** The key of the default definition. */
  public static final String DEFAULT_KEY = "*";

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowEngine.class);

  final EngineHooks<T> hooks;
  final TransitionTable<T> transitions;
  EngineListener<T> listener;
  private Listeners<T> listeners;

  private final Map<String, Flow<T>> definitions = new LinkedHashMap<>();
  private Flow<T> defaultDefinition;
  private Function<? super T, String> callbackChooser;
  private final Map<String, Object> extraData = new HashMap<>();
  private String workflowId;
  private final RunLoop<T> loop = new RunLoop<>(this);

  /** An engine with no definition yet, the standard hooks and transition table. */
  public WorkflowEngine() {
    this(null, null);
  }

  /**
   * An engine running {@code definition} for every object.
   *
   * @param definition the default definition
   * @throws DefinitionError if the definition is {@code null}
   */
  public WorkflowEngine(Flow<T> definition) {
    this(null, null);
    setDefinition(definition);
  }

  /**
   * An engine with its own hooks and transition table; this is how a persistent engine adds saving,
   * by composition or from a subclass.
   *
   * @param hooks the hooks, or {@code null} for none
   * @param transitions the transition table, or {@code null} for {@link TransitionTable#standard()}
   */
  @SuppressWarnings("unchecked")
  public WorkflowEngine(EngineHooks<T> hooks, TransitionTable<T> transitions) {
    this.hooks = hooks != null ? hooks : (EngineHooks<T>) StandardTable.NO_HOOKS;
    this.transitions = transitions != null ? transitions : TransitionTable.standard();
    this.listener = (EngineListener<T>) StandardTable.NO_LISTENER;
  }

  // ---------------------------------------------------------------- definitions

  /**
   * Sets the default definition ({@value #DEFAULT_KEY}).
   *
   * @param definition the definition
   * @return this engine
   * @throws DefinitionError if the definition is {@code null}
   */
  public WorkflowEngine<T> setDefinition(Flow<T> definition) {
    return setDefinition(DEFAULT_KEY, definition);
  }

  /**
   * Sets the default definition from a plain nested list; see {@link Flow#of(List)}.
   *
   * @param definition a list of tasks, flows and nested lists
   * @return this engine
   * @throws DefinitionError if the list holds anything else, or a {@code null}
   */
  public WorkflowEngine<T> setDefinition(List<?> definition) {
    return setDefinition(DEFAULT_KEY, Flow.<T>of(definition));
  }

  /**
   * Registers (or replaces) the definition under {@code key}.
   *
   * @param key the key the callback chooser returns for objects this definition is for
   * @param definition the definition
   * @return this engine
   * @throws DefinitionError if the key or definition is {@code null}
   * @throws WorkflowError if the engine is running
   */
  public WorkflowEngine<T> setDefinition(String key, Flow<T> definition) {
    if (key == null) {
      throw new DefinitionError("a definition key must not be null; the default key is \"*\"");
    }
    if (definition == null) {
      throw new DefinitionError("the definition for key '" + key + "' is null");
    }
    requireIdle("setDefinition");
    definitions.put(key, definition);
    if (DEFAULT_KEY.equals(key)) {
      defaultDefinition = definition;
    }
    return this;
  }

  /**
   * The definition under {@code key}.
   *
   * @param key the key
   * @return the definition, if one is registered
   */
  public Optional<Flow<T>> definition(String key) {
    return Optional.ofNullable(definitions.get(key));
  }

  /**
   * The registered definitions by key, in registration order.
   *
   * @return an unmodifiable view
   */
  public Map<String, Flow<T>> definitions() {
    return Collections.unmodifiableMap(definitions);
  }

  /**
   * Sets the function that picks the definition key for each object; by default every object gets
   * {@value #DEFAULT_KEY}.
   *
   * @param chooser the chooser, or {@code null} for the default
   * @return this engine
   */
  public WorkflowEngine<T> setCallbackChooser(Function<? super T, String> chooser) {
    requireIdle("setCallbackChooser");
    this.callbackChooser = chooser;
    return this;
  }

  Flow<T> chooseDefinition(T obj) {
    if (callbackChooser == null) {
      if (defaultDefinition == null) {
        throw unknownKey(DEFAULT_KEY);
      }
      return defaultDefinition;
    }
    String key = callbackChooser.apply(obj);
    Flow<T> flow = definitions.get(key);
    if (flow == null) {
      throw unknownKey(key);
    }
    return flow;
  }

  private WorkflowError unknownKey(String key) {
    return new WorkflowError(
        "no workflow definition is registered for the key '"
            + key
            + "'; perhaps you forgot to load the definition for it? Registered keys: "
            + definitions.keySet(),
        workflowId,
        loop.tokenPos,
        null,
        null);
  }

  // ---------------------------------------------------------------- listeners

  /**
   * Adds a listener, told after the ones already added.
   *
   * @param listener the listener
   * @return this engine
   * @throws IllegalArgumentException if the listener is {@code null}
   */
  public WorkflowEngine<T> addListener(EngineListener<T> listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener must not be null");
    }
    if (listeners == null) {
      listeners = new Listeners<>();
    }
    listeners.add(listener);
    this.listener = listeners;
    return this;
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   * @return whether it was registered
   */
  @SuppressWarnings("unchecked")
  public boolean removeListener(EngineListener<T> listener) {
    if (listeners == null || !listeners.remove(listener)) {
      return false;
    }
    if (listeners.isEmpty()) {
      this.listener = (EngineListener<T>) StandardTable.NO_LISTENER;
    }
    return true;
  }

  // ---------------------------------------------------------------- running

  /**
   * Processes {@code objects} from the first object and first task; halts and {@link
   * WorkflowError}s reach the caller.
   *
   * @param objects the objects, in order
   * @throws HaltProcessing if a task halted; the state points at the halting task
   * @throws WorkflowError if {@code objects} is {@code null}, no definition is registered, or a
   *     task's checked exception or a {@code WorkflowError} ended the run
   * @throws RuntimeException what a task threw, as itself
   */
  public void process(List<? extends T> objects) {
    throwIfHalted(processRun(objects, true, true));
  }

  /**
   * Processes {@code objects} from the first object and first task.
   *
   * @param objects the objects, in order
   * @param stopOnError if false, a {@link WorkflowError} abandons its object and the run goes on
   *     with the next one from its first task
   * @param stopOnHalt if false, a halt abandons its object and the run goes on with the next one
   *     from its first task
   * @throws HaltProcessing if a task halted and {@code stopOnHalt}
   * @throws WorkflowError on bad input, or if a task failed and {@code stopOnError}
   */
  public void process(List<? extends T> objects, boolean stopOnError, boolean stopOnHalt) {
    throwIfHalted(processRun(objects, stopOnError, stopOnHalt));
  }

  private HaltProcessing processRun(
      List<? extends T> objects, boolean stopOnError, boolean stopOnHalt) {
    preflight(objects);
    requireIdle("process");
    return runFrom(-1, new int[] {0}, objects, stopOnError, stopOnHalt);
  }

  /*
   * The public run methods are tiny on purpose: the JIT inlines them into the caller, so the
   * throw of a halt lands in the caller's own catch without unwinding a frame.
   */
  private static void throwIfHalted(HaltProcessing halt) {
    if (halt != null) {
      throw halt;
    }
  }

  /**
   * Restarts from a position relative to the current state, on the same objects.
   *
   * @param object which object to begin with
   * @param task which task to begin that object with
   * @throws WorkflowError if the position does not exist (no previous object or task, no current
   *     object); nothing changes then
   * @throws HaltProcessing if a task halted again
   * @see #restart(RestartPosition, RestartPosition, List, boolean, boolean)
   */
  public void restart(RestartPosition object, RestartPosition task) {
    throwIfHalted(restartRun(object, task, null, true, true));
  }

  /**
   * Restarts with positions spelled as in the reference: {@code "prev"}, {@code "current"}, {@code
   * "next"}, {@code "first"}.
   *
   * @param object which object to begin with
   * @param task which task to begin that object with
   * @throws WorkflowError naming a bad position; nothing changes then
   */
  public void restart(String object, String task) {
    RestartPosition objectPosition = RestartPosition.parse(object);
    RestartPosition taskPosition = RestartPosition.parse(task);
    throwIfHalted(restartRun(objectPosition, taskPosition, null, true, true));
  }

  /**
   * Restarts on new objects (or the same ones, if {@code objects} is {@code null}).
   *
   * @param object which object to begin with
   * @param task which task to begin that object with
   * @param objects the objects replacing the engine's, or {@code null} to keep them
   */
  public void restart(RestartPosition object, RestartPosition task, List<? extends T> objects) {
    throwIfHalted(restartRun(object, task, objects, true, true));
  }

  /**
   * Moves the state relative to where it is, then runs without resetting it.
   *
   * <table>
   *   <caption>positions</caption>
   *   <tr><th>position</th><th>object</th><th>task</th></tr>
   *   <tr><td>PREV</td><td>the one before the current one</td><td>the one before the current
   *   one, in its block</td></tr>
   *   <tr><td>CURRENT</td><td>the current one again</td><td>the current one again</td></tr>
   *   <tr><td>NEXT</td><td>the one after the current one</td><td>the one after the current
   *   one, in its block</td></tr>
   *   <tr><td>FIRST</td><td>the first one</td><td>the first task of the definition</td></tr>
   * </table>
   *
   * <p>After a halt, {@code (CURRENT, NEXT)} goes on right after the halting task, {@code (CURRENT,
   * CURRENT)} runs it again and {@code (NEXT, FIRST)} abandons the halted object. Everything is
   * checked before anything moves: a bad call changes no state, runs nothing and tells no listener.
   *
   * @param object which object to begin with
   * @param task which task to begin that object with
   * @param objects the objects replacing the engine's, or {@code null} to keep them
   * @param stopOnError see {@link #process(List, boolean, boolean)}
   * @param stopOnHalt see {@link #process(List, boolean, boolean)}
   * @throws WorkflowError if a position does not exist or does not fit the definition
   * @throws HaltProcessing if a task halted again and {@code stopOnHalt}
   */
  public void restart(
      RestartPosition object,
      RestartPosition task,
      List<? extends T> objects,
      boolean stopOnError,
      boolean stopOnHalt) {
    throwIfHalted(restartRun(object, task, objects, stopOnError, stopOnHalt));
  }

  private HaltProcessing restartRun(
      RestartPosition object,
      RestartPosition task,
      List<? extends T> objects,
      boolean stopOnError,
      boolean stopOnHalt) {
    if (object == null || task == null) {
      throw new WorkflowError(
          "restart needs an object and a task position, got (" + object + ", " + task + ")");
    }
    List<? extends T> target = objects != null ? objects : loop.objects;
    preflight(target);
    requireIdle("restart");
    int tokenPos = loop.tokenPos;
    int newTokenPos;
    switch (object) {
      case PREV:
        if (tokenPos < 1) {
          throw new WorkflowError(
              tokenPos == 0
                  ? "cannot restart at the previous object: the current object is the first one"
                  : "cannot restart at the previous object: no object has been processed yet",
              workflowId,
              tokenPos,
              null,
              null);
        }
        newTokenPos = tokenPos - 2;
        break;
      case CURRENT:
        if (tokenPos < 0) {
          throw new WorkflowError(
              "cannot restart at the current object: no object has been processed yet;"
                  + " use restart(FIRST, FIRST) or process(objects)",
              workflowId,
              tokenPos,
              null,
              null);
        }
        newTokenPos = tokenPos - 1;
        break;
      case NEXT:
        newTokenPos = tokenPos;
        break;
      default:
        newTokenPos = -1;
    }
    int[] path = loop.position();
    int last = path.length - 1;
    switch (task) {
      case PREV:
        if (path[last] == 0) {
          throw new WorkflowError(
              "cannot restart at the previous task: the current task "
                  + pathString(path)
                  + " is the first of its block",
              workflowId,
              tokenPos,
              null,
              null);
        }
        path[last]--;
        break;
      case NEXT:
        path[last]++;
        break;
      case FIRST:
        path = new int[] {0};
        break;
      default:
        break;
    }
    if (path.length > 1 || path[0] != 0) {
      int first = newTokenPos + 1;
      if (first >= 0 && first < target.size()) {
        Flow<T> flow = chooseDefinition(target.get(first));
        String problem = Positions.check(flow, path);
        if (problem != null) {
          throw new WorkflowError(
              "cannot restart at task "
                  + pathString(path)
                  + " of object "
                  + first
                  + ": "
                  + problem
                  + (task == RestartPosition.NEXT ? " (there is no next task)" : ""),
              workflowId,
              first,
              null,
              null);
        }
      }
    }
    LOG.debug("workflow {}: restarting at object {}, task {}", workflowId, object, task);
    return runFrom(newTokenPos, path, target, stopOnError, stopOnHalt);
  }

  /** Runs from a position; a run refused before it started (by beforeProcessing) moves nothing. */
  private HaltProcessing runFrom(
      int tokenPos,
      int[] path,
      List<? extends T> objects,
      boolean stopOnError,
      boolean stopOnHalt) {
    int oldTokenPos = loop.tokenPos;
    int[] oldPath = loop.position();
    loop.tokenPos = tokenPos;
    loop.setPosition(path);
    try {
      return loop.run(objects, stopOnError, stopOnHalt);
    } catch (RuntimeException | Error e) {
      if (!loop.started) {
        loop.tokenPos = oldTokenPos;
        loop.setPosition(oldPath);
      }
      throw e;
    }
  }

  private void preflight(List<? extends T> objects) {
    if (objects == null) {
      throw new WorkflowError(
          "the objects to process are not a list of objects (got null); pass a List, even an empty one",
          workflowId,
          WorkflowError.NO_OBJECT,
          null,
          null);
    }
    if (definitions.isEmpty()) {
      throw new WorkflowError(
          "the callbacks are empty, did you set them? Register a definition with setDefinition(...)",
          workflowId,
          WorkflowError.NO_OBJECT,
          null,
          null);
    }
    if (objects.isEmpty()) {
      LOG.warn("workflow {}: running a workflow on an empty list has no effect", workflowId);
    }
  }

  private void requireIdle(String what) {
    if (loop.running) {
      throw new WorkflowError(
          what
              + "() was called while the engine is running (from inside a task?); a task changes"
              + " the flow with the control methods instead: jumpToken(0) runs the current object"
              + " again from its first task",
          workflowId,
          loop.tokenPos,
          null,
          null);
    }
  }

  /**
   * Gives the engine its objects without running them, so that {@link #restart(RestartPosition,
   * RestartPosition)} continues over them: for engines restored from storage, whose objects come
   * from there rather than from a {@code process} call.
   *
   * @param objects the objects, in order
   * @throws WorkflowError if {@code objects} is null or the engine is running
   */
  protected void setObjects(List<? extends T> objects) {
    if (objects == null) {
      throw new WorkflowError("the objects are not a list of objects (got null)");
    }
    requireIdle("setObjects");
    loop.objects = objects;
  }

  // ---------------------------------------------------------------- control methods

  /**
   * Halts the run with no message.
   *
   * @throws HaltProcessing always
   */
  public void halt() {
    throw new HaltProcessing("", null, null);
  }

  /**
   * Halts the run.
   *
   * @param message why
   * @throws HaltProcessing always
   */
  public void halt(String message) {
    throw new HaltProcessing(message, null, null);
  }

  /**
   * Halts the run: the caller of {@code process}/{@code restart} gets a {@link HaltProcessing}
   * carrying these values, and the state points at the halting task.
   *
   * @param message why, for people
   * @param action what must be done before a restart, for programs; may be {@code null}
   * @param payload anything the handler needs; may be {@code null}
   * @throws HaltProcessing always
   */
  public void halt(String message, String action, Object payload) {
    throw new HaltProcessing(message, action, payload);
  }

  /**
   * Halts the run, asking for the halting task to be run again after {@code delay}: "the payment
   * has not arrived, check again in ten minutes". The caller gets a {@link HaltProcessing} whose
   * {@link HaltProcessing#retryAfter()} is the delay and the state points at this task, so {@code
   * restart(CURRENT, CURRENT)} retries it. A stored workflow records when it is due: its {@code
   * resume()} runs this task again, and a worker pool resumes it by itself once the delay has
   * passed, not before.
   *
   * @param delay how long to wait, zero or more
   * @param message why, for people
   * @throws HaltProcessing always, unless the delay is invalid
   * @throws IllegalArgumentException if {@code delay} is null or negative (the task fails)
   */
  public void retryAfter(java.time.Duration delay, String message) {
    if (delay == null || delay.isNegative()) {
      throw new IllegalArgumentException(
          "retryAfter needs a delay of zero or more, got "
              + delay
              + "; e.g. retryAfter(Duration.ofMinutes(10), \"waiting for the payment\")");
    }
    throw new HaltProcessing(message, null, null, delay);
  }

  /**
   * Ends the run; the remaining objects are not touched and {@code afterProcessing} runs.
   *
   * @throws Transition always
   */
  public void stop() {
    throw Transition.STOP;
  }

  /**
   * Ends the run like {@link #stop()}; a persistent engine does not save the current object.
   *
   * @throws Transition always
   */
  public void abort() {
    throw Transition.ABORT;
  }

  /**
   * Leaves the current object and goes on with the next one, from its first task.
   *
   * @throws Transition always
   */
  public void continueNextToken() {
    throw Transition.CONTINUE_NEXT_TOKEN;
  }

  /**
   * Skips the current object: goes on with the next one, from its first task; a persistent engine
   * does not save the skipped object.
   *
   * @throws Transition always
   */
  public void skipToken() {
    throw Transition.SKIP_TOKEN;
  }

  /**
   * Goes on with the object {@code offset} places from the current one, from its first task: {@code
   * 1} is the next object, {@code 2} skips one, {@code 0} runs the current object again, {@code -1}
   * the previous one. Jumps past either end are clamped: past the end the run ends, before the
   * start it begins at the first object.
   *
   * @param offset the distance
   * @throws Transition always
   */
  public void jumpToken(int offset) {
    throw Transition.jumpToken(offset);
  }

  /**
   * Goes on with the task {@code offset} places from this one in the same block: {@code 1} is the
   * next task, {@code 2} skips one, {@code 0} runs this task again, {@code -1} the previous one.
   * Past the end the block ends; before the start the block starts over.
   *
   * @param offset the distance
   * @throws Transition always
   */
  public void jumpCall(int offset) {
    throw Transition.jumpCall(offset);
  }

  /**
   * Leaves the innermost running block; the definition goes on after it (at the top level: with the
   * next object).
   *
   * @throws Transition always
   */
  public void breakCurrentLoop() {
    throw Transition.BREAK_LOOP;
  }

  /**
   * Like {@link #jumpCall(int)}, but takes effect when the calling task returns, without throwing.
   * For tasks that decide and return at once, such as the tests of loops and conditions: a thrown
   * transition costs about a hundred nanoseconds, this costs nothing. The last request wins; a
   * transition thrown afterwards by the same task replaces it.
   *
   * @param offset the distance, as for {@link #jumpCall(int)}
   * @throws WorkflowError if no task of this engine is running
   */
  public void jumpCallOnReturn(int offset) {
    requireRunning("jumpCallOnReturn");
    loop.pending = offset == RunLoop.NONE || offset == RunLoop.BREAK ? offset + 2 : offset;
  }

  /**
   * Like {@link #breakCurrentLoop()}, but takes effect when the calling task returns, without
   * throwing; see {@link #jumpCallOnReturn(int)}.
   *
   * @throws WorkflowError if no task of this engine is running
   */
  public void breakCurrentLoopOnReturn() {
    requireRunning("breakCurrentLoopOnReturn");
    loop.pending = RunLoop.BREAK;
  }

  private void requireRunning(String what) {
    if (!loop.running) {
      throw new WorkflowError(
          what + "() acts when the calling task returns; call it from a task of a running engine");
    }
  }

  // ---------------------------------------------------------------- state

  /**
   * The machine state: current object and task.
   *
   * @return a snapshot
   */
  public EngineState state() {
    List<Integer> path = new ArrayList<>(loop.depth);
    for (int i = 0; i < loop.depth; i++) {
      path.add(loop.pos[i]);
    }
    return new EngineState(loop.tokenPos, path);
  }

  /**
   * Number of indices of the current task position; with {@link #callbackPosAt(int)} an
   * allocation-free read of {@code state().callbackPos()} for tasks that run very often.
   *
   * @return the nesting depth of the current task, 1 at the top level
   */
  public int callbackPosLength() {
    return loop.depth;
  }

  /**
   * One index of the current task position.
   *
   * @param level from 0 to {@link #callbackPosLength()} - 1
   * @return the index at that nesting level
   * @throws IndexOutOfBoundsException if the level is out of range
   */
  public int callbackPosAt(int level) {
    if (level < 0 || level >= loop.depth) {
      throw new IndexOutOfBoundsException(
          "level " + level + " is outside the position's " + loop.depth + " levels");
    }
    return loop.pos[level];
  }

  /**
   * Sets the machine state, typically one stored by an engine in another process, so that {@link
   * #restart} continues from it.
   *
   * @param state the state
   * @throws WorkflowError if the state's task position fits none of the registered definitions, or
   *     the engine is running; nothing changes then
   */
  public void setState(EngineState state) {
    if (state == null) {
      throw new WorkflowError("state must not be null; use EngineState.INITIAL for a fresh start");
    }
    requireIdle("setState");
    int[] path = state.callbackPos().stream().mapToInt(Integer::intValue).toArray();
    if (!definitions.isEmpty()) {
      String problem = null;
      for (Flow<T> flow : definitions.values()) {
        problem = Positions.check(flow, path);
        if (problem == null) {
          break;
        }
      }
      if (problem != null) {
        throw new WorkflowError(
            "callbackPos "
                + state.callbackPos()
                + " does not point into the definition: "
                + problem
                + "; was the state stored for another definition?",
            workflowId,
            state.tokenPos(),
            null,
            null);
      }
    }
    loop.tokenPos = state.tokenPos();
    loop.setPosition(path);
  }

  /**
   * Data shared by all objects of this engine (loop counters, results, anything a task wants to
   * keep). Kept across runs; a persistent engine stores it.
   *
   * @return the live, mutable map
   */
  public Map<String, Object> extraData() {
    return extraData;
  }

  /**
   * The objects of the latest run.
   *
   * @return an unmodifiable view; empty before any run
   */
  public List<T> objects() {
    return Collections.unmodifiableList(loop.objects);
  }

  /**
   * The object the engine is on.
   *
   * @return the object; empty before the first object and past the last one
   */
  public Optional<T> currentObject() {
    int tokenPos = loop.tokenPos;
    if (tokenPos < 0 || tokenPos >= loop.objects.size()) {
      return Optional.empty();
    }
    return Optional.ofNullable(loop.objects.get(tokenPos));
  }

  /**
   * The name of the task the engine is on (for a block, its rendering, e.g. {@code [a, b]}).
   *
   * @return the name, or {@code null} when no definition is registered or the position is past the
   *     end of its block
   */
  public String currentTaskName() {
    Flow<T> flow = loop.currentFlow != null ? loop.currentFlow : defaultDefinition;
    if (flow == null) {
      return null;
    }
    Step<T> step = flow;
    for (int i = 0; i < loop.depth; i++) {
      if (!(step instanceof Flow<T> block) || loop.pos[i] < 0 || loop.pos[i] >= block.size()) {
        return null;
      }
      step = block.get(loop.pos[i]);
    }
    return step instanceof Task<T> task ? task.name() : step.toString();
  }

  /**
   * Whether the latest run processed every object: the engine is on the last object and the run
   * ended normally. False before any run, after a halt or an error, and after a stop before the
   * last object.
   *
   * @return whether the run completed
   */
  public boolean hasCompleted() {
    return loop.tokenPos != -1
        && loop.objects.size() - 1 == loop.tokenPos
        && loop.currentObjectProcessed;
  }

  /**
   * Whether a run is in progress (a task of this engine is running).
   *
   * @return whether the engine is running
   */
  public boolean isRunning() {
    return loop.running;
  }

  /**
   * The id of the workflow this engine runs, for messages and errors; {@code null} unless set.
   *
   * @return the id
   */
  public String workflowId() {
    return workflowId;
  }

  /**
   * Sets the id used in messages and errors.
   *
   * @param workflowId the id, or {@code null}
   * @return this engine
   */
  public WorkflowEngine<T> setWorkflowId(String workflowId) {
    this.workflowId = workflowId;
    return this;
  }

  static String pathString(int[] path) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < path.length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(path[i]);
    }
    return out.append(']').toString();
  }

  @Override
  public String toString() {
    return "WorkflowEngine[id=" + workflowId + ", state=" + state() + "]";
  }
}
