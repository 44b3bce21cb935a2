package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Patterns.*;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** ifThen, ifNot, ifElse, cmp, taskJumpIf, choice, simpleMerge: {@link Patterns} delegates here. */
final class Conditions {

  private static final String[] OPERATORS = {
    "eq", "gt", "gte", "lt", "lte", "in", "==", ">", ">=", "<", "<="
  };

  private Conditions() {}

  static <T> Flow<T> ifThen(Condition<T> condition, Step<T> branch) {
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

  static <T> Flow<T> ifNot(Condition<T> condition, Step<T> branch) {
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

  static <T> Flow<T> ifElse(Condition<T> condition, Step<T> then, Step<T> otherwise) {
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

  static <T> Condition<T> cmp(Object a, Object b, String operator) {
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
  static <T> Object evaluate(Object operand, T obj, WorkflowEngine<T> engine) throws Exception {
    Object value = operand;
    while (value instanceof Value<?, ?> function) {
      value = ((Value<T, ?>) function).get(obj, engine);
    }
    return value;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static boolean compare(Object a, Object b, String op) {
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

  static BigDecimal numeric(Number n) {
    return n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
  }

  static boolean contains(Object container, Object element) {
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

  static <T> Task<T> taskJumpIf(Condition<T> condition, int step) {
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

  @SafeVarargs
  static <T> Flow<T> choice(Value<T, ?> arbiter, Case<T>... cases) {
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

  @SafeVarargs
  static <T> Flow<T> simpleMerge(Step<T>... branchesThenLast) {
    Parallel.requireBranchesAndLast(branchesThenLast, "simpleMerge");
    int branches = branchesThenLast.length - 1;
    List<Step<T>> steps = new ArrayList<>();
    for (int k = 0; k < branches; k++) {
      steps.add(branchesThenLast[k]);
      steps.add(taskJumpFwd(2 * (branches - k) - 1));
    }
    steps.add(branchesThenLast[branches]);
    return Flow.of(toArray(steps));
  }
}
