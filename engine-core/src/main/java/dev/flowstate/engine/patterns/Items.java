package dev.flowstate.engine.patterns;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.WorkflowEngine;
import java.util.List;

/**
 * What a {@link Patterns#forEach} loop iterates over, in which order.
 *
 * <p>A supplier is called once, when the loop starts, and its list is kept in the loop's state
 * until the loop ends, so a halted loop resumes over the same items (a persistent engine stores
 * them with the engine's extra data, so they must be serialisable there). A plain list is read live
 * at every step unless {@link #snapshot()} copies it when the loop starts.
 *
 * <p>Immutable; the modifiers return new instances.
 *
 * @param <T> the object type
 */
public final class Items<T> {

  final List<?> list;
  final Value<T, ? extends List<?>> supplier;
  final boolean descending;
  final boolean snapshot;

  private Items(
      List<?> list, Value<T, ? extends List<?>> supplier, boolean descending, boolean snapshot) {
    this.list = list;
    this.supplier = supplier;
    this.descending = descending;
    this.snapshot = snapshot;
  }

  /**
   * Iterates over a list.
   *
   * @param list the items
   * @param <T> the object type
   * @return the source
   * @throws DefinitionError if the list is {@code null}
   */
  public static <T> Items<T> of(List<?> list) {
    if (list == null) {
      throw new DefinitionError("forEach needs a list of items, got null");
    }
    return new Items<>(list, null, false, false);
  }

  /**
   * Iterates over the list a supplier returns when the loop starts.
   *
   * @param supplier called with the current object and engine
   * @param <T> the object type
   * @return the source
   * @throws DefinitionError if the supplier is {@code null}
   */
  public static <T> Items<T> from(Value<T, ? extends List<?>> supplier) {
    if (supplier == null) {
      throw new DefinitionError("forEach needs a supplier of items, got null");
    }
    return new Items<>(null, supplier, false, false);
  }

  /**
   * @return the same source iterated from the last item to the first
   */
  public Items<T> descending() {
    return new Items<>(list, supplier, true, snapshot);
  }

  /**
   * @return the same source, with a plain list copied when the loop starts (suppliers always are)
   */
  public Items<T> snapshot() {
    return new Items<>(list, supplier, descending, true);
  }

  boolean keptInState() {
    return supplier != null || snapshot;
  }

  List<?> resolve(T obj, WorkflowEngine<T> engine) throws Exception {
    if (supplier == null) {
      return list;
    }
    List<?> items = supplier.get(obj, engine);
    if (items == null) {
      throw new IllegalStateException("the forEach supplier returned null instead of a list");
    }
    return items;
  }

  /** The source as {@link Patterns#describe} renders parameters, for the loop's signature. */
  String describe() {
    return (list != null ? Patterns.describe(list) : "supplier " + Patterns.describe(supplier))
        + (descending ? ", descending" : "")
        + (snapshot ? ", snapshot" : "");
  }
}
