package dev.flowstate.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable block of a definition: an ordered list of {@link Task}s and nested blocks, to any
 * depth. A whole definition is a {@code Flow}; positions ({@link EngineState#callbackPos()}) are
 * paths of indices into it.
 *
 * <pre>{@code
 * Flow<Doc> definition = Flow.of(parse, Flow.of(validate, enrich), save);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; one definition can serve many engines.
 *
 * @param <T> the type of the objects the workflow runs on
 */
public final class Flow<T> implements Step<T> {

  private static final Flow<?> EMPTY = new Flow<>(new Object[0]);

  /** Each element is a {@link Task} or a {@code Flow}; read directly by the run loop. */
  final Object[] items;

  private Flow(Object[] items) {
    this.items = items;
  }

  /**
   * Builds a block from tasks and nested blocks.
   *
   * @param steps the elements, in order; none may be {@code null}
   * @param <T> the object type
   * @return the block
   * @throws DefinitionError if {@code steps} or one of its elements is {@code null}
   */
  @SafeVarargs
  public static <T> Flow<T> of(Step<T>... steps) {
    if (steps == null) {
      throw new DefinitionError("the steps of a flow are null; pass tasks and nested flows");
    }
    Object[] items = new Object[steps.length];
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] == null) {
        throw new DefinitionError(
            "definition element ["
                + i
                + "] is null; a definition holds tasks and nested flows only");
      }
      items[i] = steps[i];
    }
    return new Flow<>(items);
  }

  /**
   * Builds a definition from a plain nested list whose elements are {@link Task}s, {@link Flow}s or
   * lists of the same, to any depth.
   *
   * @param steps the nested list
   * @param <T> the object type the tasks expect; not checked at run time
   * @return the definition
   * @throws DefinitionError if the list or an element is {@code null} or not a task, flow or list;
   *     the message gives the element's position
   */
  public static <T> Flow<T> of(List<?> steps) {
    if (steps == null) {
      throw new DefinitionError("the definition is null; pass a list of tasks and nested lists");
    }
    return fromList(steps, new ArrayList<>());
  }

  /**
   * An empty block.
   *
   * @param <T> the object type
   * @return the empty block
   */
  @SuppressWarnings("unchecked")
  public static <T> Flow<T> empty() {
    return (Flow<T>) EMPTY;
  }

  private static <T> Flow<T> fromList(List<?> steps, List<Integer> path) {
    Object[] items = new Object[steps.size()];
    int i = 0;
    for (Object element : steps) {
      path.add(i);
      if (element == null) {
        throw new DefinitionError(
            "definition element "
                + path
                + " is null; a definition holds tasks and nested lists only");
      } else if (element instanceof Task<?> || element instanceof Flow<?>) {
        items[i] = element;
      } else if (element instanceof List<?> nested) {
        items[i] = fromList(nested, path);
      } else {
        throw new DefinitionError(
            "definition element "
                + path
                + " is a "
                + element.getClass().getName()
                + ", not a task, a flow or a list");
      }
      path.remove(path.size() - 1);
      i++;
    }
    return new Flow<>(items);
  }

  /**
   * Number of elements of this block (nested blocks count as one).
   *
   * @return the size
   */
  public int size() {
    return items.length;
  }

  /**
   * The element at {@code index}.
   *
   * @param index from 0 to {@code size() - 1}
   * @return a {@link Task} or a {@link Flow}
   * @throws IndexOutOfBoundsException if the index is out of range
   */
  @SuppressWarnings("unchecked")
  public Step<T> get(int index) {
    return (Step<T>) items[index];
  }

  /**
   * The elements as an unmodifiable list.
   *
   * @return the elements
   */
  @SuppressWarnings("unchecked")
  public List<Step<T>> steps() {
    return Collections.unmodifiableList((List<Step<T>>) (List<?>) Arrays.asList(items));
  }

  /**
   * A flow with {@code more} appended after this flow's elements.
   *
   * @param more the elements to append
   * @return a new flow
   */
  @SafeVarargs
  public final Flow<T> then(Step<T>... more) {
    Flow<T> tail = of(more);
    Object[] joined = Arrays.copyOf(items, items.length + tail.items.length);
    System.arraycopy(tail.items, 0, joined, items.length, tail.items.length);
    return new Flow<>(joined);
  }

  /** Renders the block with task names, e.g. {@code [parse, [validate, enrich], save]}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    render(out);
    return out.toString();
  }

  /**
   * Renders the block with task signatures ({@link Task#signature()}): its shape, its tasks' names
   * and the values its patterns were built with, e.g. {@code [parse, [forEach(step, [a, b]),
   * notify, jumpBack]]}. What a persistent engine fingerprints.
   *
   * @return the rendering
   */
  public String signature() {
    StringBuilder out = new StringBuilder();
    render(out, true);
    return out.toString();
  }

  private void render(StringBuilder out) {
    render(out, false);
  }

  private void render(StringBuilder out, boolean signatures) {
    out.append('[');
    for (int i = 0; i < items.length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      if (items[i] instanceof Flow<?> nested) {
        nested.render(out, signatures);
      } else {
        Task<?> task = (Task<?>) items[i];
        out.append(signatures ? task.signature() : task.name());
      }
    }
    out.append(']');
  }
}
