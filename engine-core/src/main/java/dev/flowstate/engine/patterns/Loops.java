package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Patterns.*;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * whileLoop and forEach, with the loop state forEach keeps in extra data: {@link Patterns}
 * delegates here.
 */
final class Loops {

  private static final String RESUME = "resume";
  private static final String NEXT = "next";
  private static final String ITEMS = "items";

  private Loops() {}

  @SafeVarargs
  static <T> Flow<T> whileLoop(Condition<T> condition, Step<T>... body) {
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

  @SafeVarargs
  static <T> Flow<T> forEach(List<?> items, String key, Step<T>... body) {
    return forEach(Items.<T>of(items), key, body);
  }

  @SafeVarargs
  static <T> Flow<T> forEach(Value<T, ? extends List<?>> supplier, String key, Step<T>... body) {
    return forEach(Items.from(supplier), key, body);
  }

  @SafeVarargs
  static <T> Flow<T> forEach(Items<T> items, String key, Step<T>... body) {
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

  @SuppressWarnings("unchecked")
  static <T> void forStep(
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
  static <T> Task<T> jumpBack(int bodySize, String resumeFlag) {
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
  static <T> Flow<T> loop(Task<T> head, List<Step<T>> body, Task<T> tail) {
    Step<T>[] steps = new Step[body.size() + 2];
    steps[0] = head;
    for (int i = 0; i < body.size(); i++) {
      steps[i + 1] = body.get(i);
    }
    steps[steps.length - 1] = tail;
    return Flow.of(steps);
  }

  static <T> List<Step<T>> splice(Step<T>[] body, String pattern) {
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
}
