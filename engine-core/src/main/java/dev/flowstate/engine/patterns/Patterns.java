package dev.flowstate.engine.patterns;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.Transition;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
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

  private Patterns() {}

  // ------------------------------------------------------------------ conditions

  /**
   * Runs {@code branch} when {@code condition} holds. Shape {@code [test, branch]}: the test breaks
   * out of the block when the condition is false.
   *
   * @param condition the test
   * @param branch a task or block
   * @param <T> the object type
   * @return the block
   * @throws DefinitionError if an argument is {@code null}
   */
  public static <T> Flow<T> ifThen(Condition<T> condition, Step<T> branch) {
    return Conditions.ifThen(condition, branch);
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
    return Conditions.ifNot(condition, branch);
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
    return Conditions.ifElse(condition, then, otherwise);
  }

  /**
   * Compares two values; each may be a constant or a {@link Value} computed when the condition is
   * tested. Operators: {@code eq gt gte lt lte in} and {@code == > >= < <=}. Numbers compare by
   * value whatever their type; other values must be {@link Comparable} for ordering; {@code in} is
   * true when {@code b} is in {@code a}: an element of a collection or array, a key of a map, a
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
    return Conditions.cmp(a, b, operator);
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
    return Loops.whileLoop(condition, body);
  }

  /**
   * Runs {@code body} once per item of {@code items}, ascending; see {@link #forEach(Items, String,
   * Step[])}.
   *
   * @param items the items
   * @param key the {@link WorkflowEngine#extraData()} key of the current item
   * @param body one iteration
   * @param <T> the object type
   * @return the block
   */
  @SafeVarargs
  public static <T> Flow<T> forEach(List<?> items, String key, Step<T>... body) {
    return Loops.forEach(items, key, body);
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
    return Loops.forEach(supplier, key, body);
  }

  /**
   * Runs {@code body} once per item, with the current item in {@code extraData().get(key)}. Shape
   * {@code [step, body..., jump back]}.
   *
   * <p>The step keeps its iteration state in {@link WorkflowEngine#extraData()} under {@value
   * #FOR_STATE_PREFIX} followed by its own position (e.g. {@code _for[1, 0]}), so a loop halted in
   * its body resumes with the next item, not the same one again. Entering the loop afresh (a new
   * object, or a restart from the object's first task) starts over. At the end the last item stays
   * under {@code key}, the iteration state is removed and the loop breaks; an empty list runs no
   * iteration and leaves {@code key} untouched.
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
    return Loops.forEach(items, key, body);
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
   * A break of the innermost block, as in the reference: at the top level this moves on to the next
   * object.
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
    return Task.named(
        "taskJumpBwd(" + step + ")", (obj, engine) -> engine.jumpCallOnReturn(offset));
  }

  /**
   * @param condition when to jump
   * @param step the distance, negative to go back
   * @param <T> the object type
   * @return a task calling {@code jumpCall(step)} when the condition holds
   * @throws DefinitionError if the condition is {@code null}
   */
  public static <T> Task<T> taskJumpIf(Condition<T> condition, int step) {
    return Conditions.taskJumpIf(condition, step);
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
   * @throws DefinitionError if an argument is {@code null}, there is no case, or two cases share a
   *     value
   */
  @SafeVarargs
  public static <T> Flow<T> choice(Value<T, ?> arbiter, Case<T>... cases) {
    return Conditions.choice(arbiter, cases);
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
    return Conditions.simpleMerge(branchesThenLast);
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
    return Parallel.parallelSplit(Parallel.BRANCHES, branches);
  }

  /**
   * {@link #parallelSplit(Step[])} on the caller's threads: the branches run on {@code executor},
   * which stays the caller's to size and shut down (the default pool is the library's own daemon
   * threads, ended after a minute idle).
   *
   * @param executor where the branches run
   * @param branches the tasks or blocks to start
   * @param <T> the object type
   * @return the task
   * @throws DefinitionError if the executor is {@code null}, no branch is given or one is {@code
   *     null}
   */
  @SafeVarargs
  public static <T> Task<T> parallelSplit(Executor executor, Step<T>... branches) {
    return Parallel.parallelSplit(executor, branches);
  }

  /**
   * Runs each branch on an engine of its own, in parallel, waits for all of them, then runs {@code
   * last}; the definition then goes on. Shape {@code [run branches and wait, last]}, so a halt in
   * {@code last} resumes there; a halt or failure in a branch halts or fails the wait task, and
   * restarting there runs every branch again.
   *
   * @param timeout how long to wait for all branches
   * @param branchesThenLast at least two: the branches, then the task or block that follows
   * @param <T> the object type
   * @return the block; when a branch throws, the first such exception (in branch order) reaches the
   *     caller; when the time is up, a {@link WorkflowError} says how many branches were late
   * @throws DefinitionError if the timeout is not positive, fewer than two elements are given or
   *     one is {@code null}
   */
  @SafeVarargs
  public static <T> Flow<T> synchronize(Duration timeout, Step<T>... branchesThenLast) {
    return Parallel.synchronize(Parallel.BRANCHES, timeout, branchesThenLast);
  }

  /**
   * {@link #synchronize(Duration, Step[])} on the caller's threads: the branches run on {@code
   * executor}, which stays the caller's to size and shut down.
   *
   * @param executor where the branches run
   * @param timeout how long to wait for all branches
   * @param branchesThenLast at least two: the branches, then the task or block that follows
   * @param <T> the object type
   * @return the block
   * @throws DefinitionError if the executor is {@code null}, the timeout is not positive, fewer
   *     than two elements are given or one is {@code null}
   */
  @SafeVarargs
  public static <T> Flow<T> synchronize(
      Executor executor, Duration timeout, Step<T>... branchesThenLast) {
    return Parallel.synchronize(executor, timeout, branchesThenLast);
  }

  // ------------------------------------------------------------------ sub-workflows and retries

  /**
   * Runs another definition on a child engine over the objects {@code dataConnector} returns. The
   * child's extra data is kept in {@code extraData().get(outKey)} as a plain map (never the live
   * engine, so a stored parent resumes the same in another process) and given to the next child,
   * unless {@code reinit}. To the parent it is one task: a halt in the child halts the parent at
   * this task, and restarting the parent here runs the child again from its first object and task.
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
    return SubWorkflows.runWorkflow(definition, dataConnector, outKey, reinit);
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
    return Retry.tryTask(task, retries);
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
    return Retry.tryTask(task, retries, backoff, onFailure);
  }

  /**
   * Runs {@code task} with a time limit: past {@code limit} the task's thread (the run's own: its
   * transaction and thread-locals stay) is interrupted, and when the task returns, its object fails
   * with a {@link WorkflowError} naming the task and the limit, its cause what the task threw (an
   * {@link InterruptedException} from a task that stopped at the interrupt). A task that ignores
   * the interrupt is reported once, a further limit later (at most 30 s), with a warning showing
   * where it is; it still fails when it returns. The interrupt is cleared before the failure is
   * saved. Whatever the task did outside the run's transaction stays done. An interrupt that lands
   * in a JDBC call breaks that connection, and on an embedded H2 file database it closes the
   * database for the whole process: there, time-limit only tasks that do not use the database.
   *
   * @param limit how long the task may run, positive
   * @param task the task
   * @param <T> the object type
   * @return the task, named {@code timeout(name)}; its signature includes the limit
   * @throws DefinitionError if the task is {@code null} or the limit not positive
   */
  public static <T> Task<T> timeout(Duration limit, Task<T> task) {
    return Timeout.timeout(limit, task);
  }

  /**
   * A pattern parameter rendered the same in every JVM, for {@link Task#signature()}: flows and
   * tasks by their signatures, lambdas and method references by where they were written (their code
   * is not visible; only named tasks tell one lambda from another), collections element by element,
   * and other values by their own {@code toString} when they have one, else by class.
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

  static void requireCondition(Object condition, String pattern) {
    if (condition == null) {
      throw new DefinitionError(pattern + " needs a condition, got null");
    }
  }

  static void requireBranch(Step<?> branch, String pattern, String which) {
    if (branch == null) {
      throw new DefinitionError(
          pattern + " " + which + " is null; pass a task or a flow (Flow.empty() for nothing)");
    }
  }

  @SuppressWarnings("unchecked")
  static <T> Step<T>[] toArray(List<Step<T>> steps) {
    return steps.toArray(new Step[0]);
  }
}
