package dev.flowstate.engine.patterns;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.Transition;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Factories of workflow patterns. Each returns a {@link Task} or a {@link Flow} made of the
 * engine's primitives, with the block shapes of the reference, so that stored positions inside
 * patterns are ordinary positions and a halt inside a pattern resumes inside it:
 *
 * <table>
 *   <caption>block shapes</caption>
 *   <tr><td>{@link #ifThen}, {@link #ifNot}</td><td>{@code [test, branch]}</td></tr>
 *   <tr><td>{@link #ifElse}</td><td>{@code [test, then, BREAK, else]}</td></tr>
 *   <tr><td>{@link #whileLoop}</td><td>{@code [test, body..., jump back to test]}</td></tr>
 *   <tr><td>{@link #forEach}</td><td>{@code [step, body..., jump back to step]}</td></tr>
 *   <tr><td>{@link #choice}</td><td>{@code [dispatch, branch1, BREAK, branch2, BREAK, ...]}</td></tr>
 *   <tr><td>{@link #simpleMerge}</td><td>{@code [b1, jump, b2, jump, ..., last]}</td></tr>
 *   <tr><td>{@link #synchronize}</td><td>{@code [run branches and wait, last]}</td></tr>
 * </table>
 *
 * <p>Loop bodies are spliced into the loop's block ({@code whileLoop(c, a, b)} is {@code [test, a,
 * b, jump]}), so a {@code breakLoop()} among them leaves the loop. A {@link Flow} in a body stays
 * one nested element, so a pattern (itself a block) can be a loop's body without its own breaks
 * ending the loop. Branches of if/else and choice are one element each: pass {@code Flow.of(a, b)}
 * for several tasks.
 */
public final class Patterns {

  private static final Logger LOG = LoggerFactory.getLogger(Patterns.class);

  /** Prefix of the extra-data keys where {@link #forEach} keeps its iteration state. */
  public static final String FOR_STATE_PREFIX = "_for";

  private static final String[] OPERATORS = {
    "eq", "gt", "gte", "lt", "lte", "in", "==", ">", ">=", "<", "<="
  };

  private static final ExecutorService BRANCHES =
      Executors.newCachedThreadPool(new BranchThreads());

  private Patterns() {}

  // ------------------------------------------------------------------ conditions

  /**
   * Runs {@code branch} when {@code condition} holds. Shape {@code [test, branch]}: the test
   * breaks out of the block when the condition is false.
   *
   * @param condition the test
   * @param branch a task or block
   * @param <T> the object type
   * @return the block
   * @throws DefinitionError if an argument is {@code null}
   */
  public static <T> Flow<T> ifThen(Condition<T> condition, Step<T> branch) {
    requireCondition(condition, "ifThen");
    requireBranch(branch, "ifThen", "branch");
    return Flow.of(
        Task.named(
            "ifThen",
            describe(condition),
            (obj, engine) -> {
              // true: jumpCall(1) in the reference, which is simply the next element
              if (!condition.test(obj, engine)) {
                engine.breakCurrentLoopOnReturn();
              }
            }),
        branch);
  }

  /**
   * Runs {@code branch} when {@code condition} does not hold. Shape {@code [test, branch]}.
   *
   * @param condition the test
   * @param branch a task or block
   * @param <T> the object type
   * @return the block
   * @throws DefinitionError if an argument is {@code null}
   */
  public static <T> Flow<T> ifNot(Condition<T> condition, Step<T> branch) {
    requireCondition(condition, "ifNot");
    requireBranch(branch, "ifNot", "branch");
    return Flow.of(
        Task.named(
            "ifNot",
            describe(condition),
            (obj, engine) -> {
              if (condition.test(obj, engine)) {
                engine.breakCurrentLoopOnReturn();
              }
            }),
        branch);
  }

  /**
   * Runs {@code then} when {@code condition} holds, else {@code otherwise}. Shape {@code [test,
   * then, BREAK, otherwise]}.
   *
   * @param condition the test
   * @param then the branch for true
   * @param otherwise the branch for false
   * @param <T> the object type
   * @return the block
   * @throws DefinitionError if an argument is {@code null}; neither branch may be missing
   */
  public static <T> Flow<T> ifElse(Condition<T> condition, Step<T> then, Step<T> otherwise) {
    requireCondition(condition, "ifElse");
    requireBranch(then, "ifElse", "then-branch");
    requireBranch(otherwise, "ifElse", "else-branch");
    return Flow.of(
        Task.named(
            "ifElse",
            describe(condition),
            (obj, engine) -> {
              if (!condition.test(obj, engine)) {
                engine.jumpCallOnReturn(3);
              }
            }),
        then,
        breakLoop(),
        otherwise);
  }

  /**
   * Compares two values; each may be a constant or a {@link Value} computed when the condition is
   * tested. Operators: {@code eq gt gte lt lte in} and {@code == > >= < <=}. Numbers compare by
   * value whatever their type; other values must be {@link Comparable} for ordering; {@code in}
   * is true when {@code b} is in {@code a}: an element of a collection or array, a key of a map, a
   * substring of a string, as the reference's {@code b in a} (SEMANTICS §6).
   *
   * @param a the left-hand side
   * @param b the right-hand side
   * @param operator the operator
   * @param <T> the object type
   * @return the condition
   * @throws DefinitionError naming an unknown operator and the known ones
   */
  public static <T> Condition<T> cmp(Object a, Object b, String operator) {
    String op = operator == null ? "" : operator.trim();
    boolean known = false;
    for (String candidate : OPERATORS) {
      known |= candidate.equals(op);
    }
    if (!known) {
      throw new DefinitionError(
          "unknown comparison operator '"
              + operator
              + "'; use one of "
              + String.join(" ", OPERATORS));
    }
    return new Condition<>() {
      @Override
      public boolean test(T obj, WorkflowEngine<T> engine) throws Exception {
        return compare(evaluate(a, obj, engine), evaluate(b, obj, engine), op);
      }

      /** The comparison's parameters, for the signature of the pattern that tests it. */
      @Override
      public String toString() {
        return "cmp(" + describe(a) + " " + op + " " + describe(b) + ")";
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <T> Object evaluate(Object operand, T obj, WorkflowEngine<T> engine)
      throws Exception {
    Object value = operand;
    while (value instanceof Value<?, ?> function) {
      value = ((Value<T, ?>) function).get(obj, engine);
    }
    return value;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean compare(Object a, Object b, String op) {
    switch (op) {
      case "eq":
      case "==":
        if (a instanceof Number x && b instanceof Number y) {
          return numeric(x).compareTo(numeric(y)) == 0;
        }
        return Objects.equals(a, b);
      case "in":
        return contains(a, b); // the reference's `b in a`

      default:
        int order;
        if (a instanceof Number x && b instanceof Number y) {
          order = numeric(x).compareTo(numeric(y));
        } else if (a instanceof Comparable && b != null) {
          order = ((Comparable) a).compareTo(b);
        } else {
          throw new IllegalArgumentException(
              "cmp '" + op + "' cannot order " + a + " and " + b + ": they are not comparable");
        }
        switch (op) {
          case "gt":
          case ">":
            return order > 0;
          case "gte":
          case ">=":
            return order >= 0;
          case "lt":
          case "<":
            return order < 0;
          default:
            return order <= 0;
        }
    }
  }

  private static BigDecimal numeric(Number n) {
    return n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
  }

  private static boolean contains(Object container, Object element) {
    if (container instanceof Collection<?> collection) {
      return collection.contains(element);
    }
    if (container instanceof Map<?, ?> map) {
      return map.containsKey(element);
    }
    if (container instanceof CharSequence text) {
      return element != null && text.toString().contains(element.toString());
    }
    if (container != null && container.getClass().isArray()) {
      for (int i = 0; i < Array.getLength(container); i++) {
        if (Objects.equals(Array.get(container, i), element)) {
          return true;
        }
      }
      return false;
    }
    throw new IllegalArgumentException(
        "cmp 'in' needs a collection, map, array or string on the left (it tests whether the"
            + " right-hand value is in it), got "
            + container);
  }

  // ------------------------------------------------------------------ loops

  /**
   * Runs {@code body} while {@code condition} holds. Shape {@code [test, body..., jump back]}.
   *
   * @param condition tested before each iteration
   * @param body the tasks and blocks of one iteration, spliced into the loop's block
   * @param <T> the object type
   * @return the block
   * @throws DefinitionError if an argument is {@code null}
   */
  @SafeVarargs
  public static <T> Flow<T> whileLoop(Condition<T> condition, Step<T>... body) {
    requireCondition(condition, "whileLoop");
    List<Step<T>> steps = splice(body, "whileLoop");
    return loop(
        Task.named(
            "whileLoop",
            describe(condition),
            (obj, engine) -> {
              if (!condition.test(obj, engine)) {
                engine.breakCurrentLoopOnReturn();
              }
            }),
        steps,
        jumpBack(steps.size(), null));
  }

  /**
   * Runs {@code body} once per item of {@code items}, ascending; see {@link #forEach(Items,
   * String, Step[])}.
   *
   * @param items the items
   * @param key the {@link WorkflowEngine#extraData()} key of the current item
   * @param body one iteration
   * @param <T> the object type
   * @return the block
   */
  @SafeVarargs
  public static <T> Flow<T> forEach(List<?> items, String key, Step<T>... body) {
    return forEach(Items.<T>of(items), key, body);
  }

  /**
   * Runs {@code body} once per item the supplier returns when the loop starts; see {@link
   * #forEach(Items, String, Step[])}.
   *
   * @param supplier called once when the loop starts
   * @param key the {@link WorkflowEngine#extraData()} key of the current item
   * @param body one iteration
   * @param <T> the object type
   * @return the block
   */
  @SafeVarargs
  public static <T> Flow<T> forEach(
      Value<T, ? extends List<?>> supplier, String key, Step<T>... body) {
    return forEach(Items.from(supplier), key, body);
  }

  /**
   * Runs {@code body} once per item, with the current item in {@code extraData().get(key)}. Shape
   * {@code [step, body..., jump back]}.
   *
   * <p>The step keeps its iteration state in {@link WorkflowEngine#extraData()} under {@value
   * #FOR_STATE_PREFIX} followed by its own position (e.g. {@code _for[1, 0]}), so a loop halted in
   * its body resumes with the next item, not the same one again. Entering the loop afresh (a new
   * object, or a restart from the object's first task) starts over. At the end the last item
   * stays under {@code key}, the iteration state is removed and the loop breaks; an empty list
   * runs no iteration and leaves {@code key} untouched.
   *
   * @param items the items and their order
   * @param key the {@link WorkflowEngine#extraData()} key of the current item
   * @param body one iteration, spliced into the loop's block
   * @param <T> the object type
   * @return the block
   * @throws DefinitionError if an argument is {@code null}
   */
  @SafeVarargs
  public static <T> Flow<T> forEach(Items<T> items, String key, Step<T>... body) {
    if (items == null) {
      throw new DefinitionError("forEach needs items, got null");
    }
    if (key == null) {
      throw new DefinitionError("forEach needs the extraData key of the current item, got null");
    }
    List<Step<T>> steps = splice(body, "forEach");
    PositionKey stateKey = new PositionKey(FOR_STATE_PREFIX, 0);
    Task<T> step =
        Task.named(
            "forEach(" + key + ")",
            items.describe(),
            (obj, engine) -> forStep(items, key, stateKey.of(engine), obj, engine));
    return loop(step, steps, jumpBack(steps.size(), RESUME));
  }

  private static final String RESUME = "resume";
  private static final String NEXT = "next";
  private static final String ITEMS = "items";

  @SuppressWarnings("unchecked")
  private static <T> void forStep(
      Items<T> items, String key, String stateKey, T obj, WorkflowEngine<T> engine)
      throws Exception {
    Map<String, Object> extra = engine.extraData();
    Object stored = extra.get(stateKey);
    Map<String, Object> state = stored instanceof Map ? (Map<String, Object>) stored : null;
    if (state == null || !Boolean.TRUE.equals(state.get(RESUME))) {
      // entered from before the loop: start over, whatever an abandoned run left behind
      state = new HashMap<>();
      state.put(NEXT, 0);
      if (items.keptInState()) {
        state.put(ITEMS, new ArrayList<>(items.resolve(obj, engine)));
      }
      extra.put(stateKey, state);
    }
    state.put(RESUME, Boolean.FALSE);
    List<?> list = items.keptInState() ? (List<?>) state.get(ITEMS) : items.list;
    int done = ((Number) state.get(NEXT)).intValue();
    if (done < list.size()) {
      extra.put(key, list.get(items.descending ? list.size() - 1 - done : done));
      state.put(NEXT, done + 1);
      return;
    }
    if (!list.isEmpty()) {
      extra.put(key, list.get(items.descending ? 0 : list.size() - 1));
    }
    extra.remove(stateKey);
    engine.breakCurrentLoopOnReturn();
  }

  /** The last task of a loop: back to the loop's first task, marking the loop as resumed. */
  @SuppressWarnings("unchecked")
  private static <T> Task<T> jumpBack(int bodySize, String resumeFlag) {
    int offset = -(bodySize + 1);
    if (resumeFlag == null) {
      return Task.named("jumpBack", (obj, engine) -> engine.jumpCallOnReturn(offset));
    }
    PositionKey stepKey = new PositionKey(FOR_STATE_PREFIX, offset);
    return Task.named(
        "jumpBack",
        (obj, engine) -> {
          Object state = engine.extraData().get(stepKey.of(engine));
          if (state instanceof Map) {
            ((Map<String, Object>) state).put(resumeFlag, Boolean.TRUE);
          }
          engine.jumpCallOnReturn(offset);
        });
  }

  @SuppressWarnings("unchecked")
  private static <T> Flow<T> loop(Task<T> head, List<Step<T>> body, Task<T> tail) {
    Step<T>[] steps = new Step[body.size() + 2];
    steps[0] = head;
    for (int i = 0; i < body.size(); i++) {
      steps[i + 1] = body.get(i);
    }
    steps[steps.length - 1] = tail;
    return Flow.of(steps);
  }

  private static <T> List<Step<T>> splice(Step<T>[] body, String pattern) {
    if (body == null) {
      throw new DefinitionError(pattern + " needs a body, got null");
    }
    for (int i = 0; i < body.length; i++) {
      if (body[i] == null) {
        throw new DefinitionError(pattern + " body element " + i + " is null");
      }
    }
    return List.of(body);
  }

  // ------------------------------------------------------------------ one-task wrappers

  /**
   * @param <T> the object type
   * @return a task that halts with no message
   */
  public static <T> Task<T> halt() {
    return halt("");
  }

  /**
   * @param message the halt's message
   * @param <T> the object type
   * @return a task that halts
   */
  public static <T> Task<T> halt(String message) {
    return Task.named("halt", (obj, engine) -> engine.halt(message));
  }

  /**
   * @param <T> the object type
   * @return a task that stops the run
   */
  public static <T> Task<T> stop() {
    return Task.named("stop", (obj, engine) -> engine.stop());
  }

  /**
   * @param <T> the object type
   * @return a task that leaves the innermost block
   */
  public static <T> Task<T> breakLoop() {
    return Task.named("breakLoop", (obj, engine) -> engine.breakCurrentLoopOnReturn());
  }

  /**
   * A break of the innermost block, as in the reference: at the top level this moves on to the
   * next object.
   *
   * @param <T> the object type
   * @return the task
   */
  public static <T> Task<T> objNext() {
    return Task.named("objNext", (obj, engine) -> engine.breakCurrentLoopOnReturn());
  }

  /**
   * @param step how many objects forward, 0 or more
   * @param <T> the object type
   * @return a task calling {@code jumpToken(step)}
   * @throws DefinitionError if {@code step} is negative
   */
  public static <T> Task<T> objJumpFwd(int step) {
    if (step < 0) {
      throw new DefinitionError(
          "objJumpFwd needs a step of 0 or more, got " + step + "; use objJumpBwd to go back");
    }
    return Task.named("objJumpFwd(" + step + ")", (obj, engine) -> engine.jumpToken(step));
  }

  /**
   * @param step how many objects back (the sign is ignored)
   * @param <T> the object type
   * @return a task calling {@code jumpToken(-|step|)}
   */
  public static <T> Task<T> objJumpBwd(int step) {
    int offset = -Math.abs(step);
    return Task.named("objJumpBwd(" + step + ")", (obj, engine) -> engine.jumpToken(offset));
  }

  /**
   * @param step how many tasks forward, 0 or more
   * @param <T> the object type
   * @return a task calling {@code jumpCall(step)}
   * @throws DefinitionError if {@code step} is negative
   */
  public static <T> Task<T> taskJumpFwd(int step) {
    if (step < 0) {
      throw new DefinitionError(
          "taskJumpFwd needs a step of 0 or more, got " + step + "; use taskJumpBwd to go back");
    }
    return Task.named("taskJumpFwd(" + step + ")", (obj, engine) -> engine.jumpCallOnReturn(step));
  }

  /**
   * @param step how many tasks back (the sign is ignored)
   * @param <T> the object type
   * @return a task calling {@code jumpCall(-|step|)}
   */
  public static <T> Task<T> taskJumpBwd(int step) {
    int offset = -Math.abs(step);
    return Task.named("taskJumpBwd(" + step + ")", (obj, engine) -> engine.jumpCallOnReturn(offset));
  }

  /**
   * @param condition when to jump
   * @param step the distance, negative to go back
   * @param <T> the object type
   * @return a task calling {@code jumpCall(step)} when the condition holds
   * @throws DefinitionError if the condition is {@code null}
   */
  public static <T> Task<T> taskJumpIf(Condition<T> condition, int step) {
    requireCondition(condition, "taskJumpIf");
    return Task.named(
        "taskJumpIf(" + step + ")",
        describe(condition),
        (obj, engine) -> {
          if (condition.test(obj, engine)) {
            engine.jumpCallOnReturn(step);
          }
        });
  }

  // ------------------------------------------------------------------ choice and merge

  /**
   * One branch of a {@link #choice}.
   *
   * @param value the arbiter's result that selects the branch
   * @param branch the task or block to run
   * @param <T> the object type
   * @return the case
   */
  public static <T> Case<T> when(Object value, Step<T> branch) {
    return new Case<>(value, branch);
  }

  /**
   * Runs the branch whose value equals what the arbiter returns. Shape {@code [dispatch, branch1,
   * BREAK, branch2, BREAK, ...]}: the k-th branch sits at index {@code 2k - 1}.
   *
   * @param arbiter computes the value
   * @param cases the branches, in order
   * @param <T> the object type
   * @return the block; running it with a value that has no branch fails with a {@link
   *     WorkflowError} naming the value
   * @throws DefinitionError if an argument is {@code null}, there is no case, or two cases share
   *     a value
   */
  @SafeVarargs
  public static <T> Flow<T> choice(Value<T, ?> arbiter, Case<T>... cases) {
    if (arbiter == null) {
      throw new DefinitionError("choice needs an arbiter, got null");
    }
    if (cases == null || cases.length == 0) {
      throw new DefinitionError("choice needs at least one case");
    }
    Map<Object, Integer> offsets = new LinkedHashMap<>();
    List<Step<T>> steps = new ArrayList<>();
    for (Case<T> c : cases) {
      if (c == null) {
        throw new DefinitionError("choice case " + offsets.size() + " is null");
      }
      if (offsets.containsKey(c.value())) {
        throw new DefinitionError("choice has two branches for the value '" + c.value() + "'");
      }
      steps.add(c.branch());
      offsets.put(c.value(), steps.size());
      steps.add(breakLoop());
    }
    Task<T> dispatch =
        Task.named(
            "choice",
            describe(offsets.keySet()) + " from " + describe(arbiter),
            (obj, engine) -> {
              Object value = arbiter.get(obj, engine);
              Integer offset = offsets.get(value);
              if (offset == null) {
                throw new WorkflowError(
                    "choice has no branch for the value '"
                        + value
                        + "'; known values: "
                        + offsets.keySet(),
                    engine.workflowId(),
                    engine.state().tokenPos(),
                    value,
                    null);
              }
              engine.jumpCallOnReturn(offset);
            });
    steps.add(0, dispatch);
    return Flow.of(toArray(steps));
  }

  /**
   * Runs the first branch, then {@code last} (the other branches are there to be jumped into).
   * Shape {@code [b1, jump, b2, jump, ..., bn, jump, last]}.
   *
   * @param branchesThenLast at least two: the branches, then the task or block that follows
   * @param <T> the object type
   * @return the block
   * @throws DefinitionError if fewer than two elements are given or one is {@code null}
   */
  @SafeVarargs
  public static <T> Flow<T> simpleMerge(Step<T>... branchesThenLast) {
    requireBranchesAndLast(branchesThenLast, "simpleMerge");
    int branches = branchesThenLast.length - 1;
    List<Step<T>> steps = new ArrayList<>();
    for (int k = 0; k < branches; k++) {
      steps.add(branchesThenLast[k]);
      steps.add(taskJumpFwd(2 * (branches - k) - 1));
    }
    steps.add(branchesThenLast[branches]);
    return Flow.of(toArray(steps));
  }

  // ------------------------------------------------------------------ parallel

  /**
   * Starts each branch on an engine of its own, on another thread, with the current object, and
   * goes on without waiting. Branches cannot be jumped into; a branch's failure is logged, since
   * nobody waits for it. Branches share the object: make it safe for that.
   *
   * @param branches the tasks or blocks to start
   * @param <T> the object type
   * @return the task
   * @throws DefinitionError if no branch is given or one is {@code null}
   */
  @SafeVarargs
  public static <T> Task<T> parallelSplit(Step<T>... branches) {
    if (branches == null || branches.length == 0) {
      throw new DefinitionError("parallelSplit needs at least one branch");
    }
    List<Flow<T>> flows = branchFlows(branches, branches.length, "parallelSplit");
    return Task.named(
        "parallelSplit",
        describe(flows),
        (obj, engine) -> {
          String parent = engine.workflowId();
          for (Flow<T> flow : flows) {
            BRANCHES.execute(
                () -> {
                  try {
                    new WorkflowEngine<>(flow).process(Collections.singletonList(obj));
                  } catch (RuntimeException e) {
                    LOG.error("workflow {}: parallelSplit branch {} failed", parent, flow, e);
                  }
                });
          }
        });
  }

  /**
   * Runs each branch on an engine of its own, in parallel, waits for all of them, then runs
   * {@code last}; the definition then goes on. Shape {@code [run branches and wait, last]}, so a
   * halt in {@code last} resumes there; a halt or failure in a branch halts or fails the wait
   * task, and restarting there runs every branch again.
   *
   * @param timeout how long to wait for all branches
   * @param branchesThenLast at least two: the branches, then the task or block that follows
   * @param <T> the object type
   * @return the block; when a branch throws, the first such exception (in branch order) reaches
   *     the caller; when the time is up, a {@link WorkflowError} says how many branches were late
   * @throws DefinitionError if the timeout is not positive, fewer than two elements are given or
   *     one is {@code null}
   */
  @SafeVarargs
  public static <T> Flow<T> synchronize(Duration timeout, Step<T>... branchesThenLast) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new DefinitionError("synchronize needs a positive timeout, got " + timeout);
    }
    requireBranchesAndLast(branchesThenLast, "synchronize");
    int branches = branchesThenLast.length - 1;
    List<Flow<T>> flows = branchFlows(branchesThenLast, branches, "synchronize");
    Task<T> wait =
        Task.named(
            "synchronize",
            timeout + ", " + describe(flows),
            (obj, engine) -> runAndWait(flows, timeout, obj, engine));
    return Flow.of(wait, branchesThenLast[branches]);
  }

  private static <T> void runAndWait(
      List<Flow<T>> flows, Duration timeout, T obj, WorkflowEngine<T> engine) throws Exception {
    List<Future<?>> futures = new ArrayList<>(flows.size());
    for (Flow<T> flow : flows) {
      futures.add(
          BRANCHES.submit(
              () -> {
                new WorkflowEngine<>(flow).process(Collections.singletonList(obj));
                return null;
              }));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int late = 0;
    Throwable failure = null;
    try {
      for (Future<?> future : futures) {
        try {
          future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          late++;
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          }
        } catch (CancellationException e) {
          late++;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkflowError(
          "synchronize was interrupted while waiting for its branches",
          engine.workflowId(),
          engine.state().tokenPos(),
          null,
          e);
    } finally {
      for (Future<?> future : futures) {
        future.cancel(true);
      }
    }
    if (failure instanceof RuntimeException unchecked) {
      throw unchecked;
    }
    if (failure instanceof Error fatal) {
      throw fatal;
    }
    if (failure != null) {
      throw (Exception) failure;
    }
    if (late > 0) {
      throw new WorkflowError(
          "synchronize: "
              + late
              + " of "
              + flows.size()
              + " branches did not finish within "
              + timeout,
          engine.workflowId(),
          engine.state().tokenPos(),
          null,
          null);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> List<Flow<T>> branchFlows(Step<T>[] steps, int count, String pattern) {
    List<Flow<T>> flows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (steps[i] == null) {
        throw new DefinitionError(pattern + " branch " + i + " is null");
      }
      flows.add(steps[i] instanceof Flow<T> flow ? flow : Flow.of(steps[i]));
    }
    return flows;
  }

  private static void requireBranchesAndLast(Step<?>[] steps, String pattern) {
    if (steps == null || steps.length < 2) {
      throw new DefinitionError(
          pattern + " needs at least one branch and the step that follows (two arguments)");
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] == null) {
        throw new DefinitionError(
            pattern + (i == steps.length - 1 ? " last step" : " branch " + i) + " is null");
      }
    }
  }

  // ------------------------------------------------------------------ sub-workflows and retries

  /**
   * Runs another definition on a child engine over the objects {@code dataConnector} returns. The
   * child's extra data is kept in {@code extraData().get(outKey)} as a plain map (never the live
   * engine, so a stored parent resumes the same in another process) and given to the next child,
   * unless {@code reinit}. To the parent it is one task: a halt in the child halts the parent at
   * this task, and restarting the parent here runs the child again from its first object and
   * task.
   *
   * @param definition the child's definition
   * @param dataConnector the child's objects, computed from the parent's object
   * @param outKey where the child's extra data is kept in the parent's (a plain map, storable)
   * @param reinit whether every run starts the child with empty extra data
   * @param <T> the parent's object type
   * @param <C> the child's object type
   * @return the task
   * @throws DefinitionError if an argument is {@code null}
   */
  @SuppressWarnings("unchecked")
  public static <T, C> Task<T> runWorkflow(
      Flow<C> definition,
      Value<T, ? extends List<? extends C>> dataConnector,
      String outKey,
      boolean reinit) {
    if (definition == null || dataConnector == null || outKey == null) {
      throw new DefinitionError(
          "runWorkflow needs a definition, a data connector and an output key, got "
              + definition
              + ", "
              + dataConnector
              + ", "
              + outKey);
    }
    return Task.named(
        "runWorkflow(" + outKey + ")",
        definition.signature() + " over " + describe(dataConnector) + (reinit ? ", reinit" : ""),
        (obj, engine) -> {
          // the parent keeps the child's extra data, never the live child: extraData is data
          // (SEMANTICS §6), so a parent stored and resumed in another process behaves the same
          Object kept = engine.extraData().get(outKey);
          WorkflowEngine<C> child = new WorkflowEngine<>(definition);
          if (!reinit && kept instanceof Map<?, ?> childData) {
            for (Map.Entry<?, ?> entry : childData.entrySet()) {
              child.extraData().put(String.valueOf(entry.getKey()), entry.getValue());
            }
          }
          try {
            child.process(dataConnector.get(obj, engine));
          } finally {
            engine.extraData().put(outKey, new LinkedHashMap<>(child.extraData()));
          }
        });
  }

  /**
   * {@link #tryTask(Task, int, Duration, OnFailure)} without backoff, rethrowing the last failure.
   *
   * @param task the task
   * @param retries how many more attempts after the first, 0 or more
   * @param <T> the object type
   * @return the task
   */
  public static <T> Task<T> tryTask(Task<T> task, int retries) {
    return tryTask(task, retries, Duration.ZERO, null);
  }

  /**
   * Runs {@code task}; if it throws, runs it again, up to {@code retries} more times, waiting
   * {@code backoff}, then twice that, four times that... between attempts. A {@link Transition}
   * (halt, stop, jumps) is never caught nor retried. When every attempt failed, calls {@code
   * onFailure} if given, else rethrows the last failure. An interrupt (the task throwing {@link
   * InterruptedException}, or one during the backoff) ends the retries at once: the interrupt flag
   * is set again and a {@link WorkflowError} with the interrupt as cause is thrown.
   *
   * @param task the task
   * @param retries how many more attempts after the first, 0 or more
   * @param backoff the first wait, {@link Duration#ZERO} for none
   * @param onFailure what to do when every attempt failed, or {@code null} to rethrow
   * @param <T> the object type
   * @return the task
   * @throws DefinitionError if the task is {@code null}, retries negative or backoff negative
   */
  public static <T> Task<T> tryTask(
      Task<T> task, int retries, Duration backoff, OnFailure<T> onFailure) {
    if (task == null) {
      throw new DefinitionError("tryTask needs a task, got null");
    }
    if (retries < 0) {
      throw new DefinitionError("tryTask needs 0 or more retries, got " + retries);
    }
    if (backoff == null || backoff.isNegative()) {
      throw new DefinitionError("tryTask needs a backoff of zero or more, got " + backoff);
    }
    return Task.named(
        "tryTask(" + task.name() + ")",
        task.signature() + ", " + retries + ", " + backoff + (onFailure == null ? "" : ", " + describe(onFailure)),
        (obj, engine) -> {
          Exception last = null;
          long waitNanos = backoff.toNanos();
          for (int attempt = 0; attempt <= retries; attempt++) {
            try {
              task.run(obj, engine);
              return;
            } catch (Transition transition) {
              throw transition;
            } catch (InterruptedException e) {
              // someone wants this thread to stop (a shutdown): never retry, never swallow it
              Thread.currentThread().interrupt();
              throw interrupted(task, attempt, retries, engine, e);
            } catch (Exception e) {
              last = e;
              LOG.debug(
                  "workflow {}: task {} failed (attempt {} of {})",
                  engine.workflowId(),
                  task.name(),
                  attempt + 1,
                  retries + 1,
                  e);
            }
            if (attempt < retries && waitNanos > 0) {
              try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                WorkflowError error = interrupted(task, attempt, retries, engine, e);
                error.addSuppressed(last);
                throw error;
              }
              waitNanos = Math.min(waitNanos * 2, TimeUnit.HOURS.toNanos(1));
            }
          }
          if (onFailure != null) {
            onFailure.handle(obj, engine, last);
          } else {
            throw last;
          }
        });
  }

  /** An interrupt met by tryTask, as a failure that keeps it as its cause; the flag is set again. */
  private static <T> WorkflowError interrupted(
      Task<T> task, int attempt, int retries, WorkflowEngine<T> engine, InterruptedException e) {
    return new WorkflowError(
        "tryTask("
            + task.name()
            + ") was interrupted at attempt "
            + (attempt + 1)
            + " of "
            + (retries + 1)
            + " and does not retry; the thread's interrupt flag is set again",
        engine.workflowId(),
        engine.state().tokenPos(),
        null,
        e);
  }

  /**
   * A pattern parameter rendered the same in every JVM, for {@link Task#signature()}: flows and
   * tasks by their signatures, lambdas and method references by where they were written (their
   * code is not visible; only named tasks tell one lambda from another), collections element by
   * element, and other values by their own {@code toString} when they have one, else by class.
   */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Flow<?> flow) {
      return flow.signature();
    }
    if (value instanceof Task<?> task) {
      return task.signature();
    }
    if (value instanceof java.util.Collection<?> collection) {
      StringBuilder out = new StringBuilder("[");
      for (Object element : collection) {
        out.append(out.length() > 1 ? ", " : "").append(describe(element));
      }
      return out.append(']').toString();
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(out.length() > 1 ? ", " : "")
            .append(describe(entry.getKey()))
            .append('=')
            .append(describe(entry.getValue()));
      }
      return out.append('}').toString();
    }
    Class<?> type = value.getClass();
    String name = type.getName();
    int lambda = name.indexOf("$$Lambda");
    if (lambda >= 0) {
      String enclosing = name.substring(0, lambda);
      return "lambda in " + enclosing.substring(enclosing.lastIndexOf('.') + 1);
    }
    try {
      if (type.getMethod("toString").getDeclaringClass() == Object.class) {
        return name; // Object's toString has an identity hash, different in every JVM
      }
    } catch (NoSuchMethodException impossible) {
      return name;
    }
    return String.valueOf(value);
  }

  // ------------------------------------------------------------------ small helpers

  /**
   * @param key an extra-data key
   * @param <T> the object type
   * @return a value reading {@code engine.extraData().get(key)}
   */
  public static <T> Value<T, Object> engGet(String key) {
    return (obj, engine) -> engine.extraData().get(key);
  }

  /**
   * @param key an extra-data key
   * @param value the value to store
   * @param <T> the object type
   * @return a task storing the value under the key
   */
  public static <T> Task<T> engSet(String key, Object value) {
    return Task.named("engSet(" + key + ")", (obj, engine) -> engine.extraData().put(key, value));
  }

  /**
   * @param key a key of the object, which is a map
   * @param <T> the object type
   * @return a value reading {@code obj.get(key)}
   */
  public static <T extends Map<String, ?>> Value<T, Object> objGet(String key) {
    return (obj, engine) -> obj.get(key);
  }

  /**
   * @param key a key of the object, which is a map
   * @param value the value to store
   * @param <T> the object type
   * @return a task storing the value in the object
   */
  public static <T extends Map<String, Object>> Task<T> objSet(String key, Object value) {
    return Task.named("objSet(" + key + ")", (obj, engine) -> obj.put(key, value));
  }

  /**
   * @param message the error's message
   * @param <T> the object type
   * @return a task that fails with a {@link WorkflowError}
   */
  public static <T> Task<T> error(String message) {
    return Task.named(
        "error",
        (obj, engine) -> {
          throw new WorkflowError(
              message, engine.workflowId(), engine.state().tokenPos(), null, null);
        });
  }

  /**
   * @param <T> the object type
   * @return a task that does nothing
   */
  public static <T> Task<T> emptyCall() {
    return Task.named("emptyCall", (obj, engine) -> {});
  }

  // ------------------------------------------------------------------ checks

  private static void requireCondition(Object condition, String pattern) {
    if (condition == null) {
      throw new DefinitionError(pattern + " needs a condition, got null");
    }
  }

  private static void requireBranch(Step<?> branch, String pattern, String which) {
    if (branch == null) {
      throw new DefinitionError(
          pattern + " " + which + " is null; pass a task or a flow (Flow.empty() for nothing)");
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> Step<T>[] toArray(List<Step<T>> steps) {
    return steps.toArray(new Step[0]);
  }

  private static final class BranchThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable runnable) {
      Thread thread = new Thread(runnable, "flowstate-branch-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
