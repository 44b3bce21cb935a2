package dev.flowstate.spring;

import dev.flowstate.engine.Flow;

/**
 * A definition to register with the application's {@link dev.flowstate.db.Flowstate}: declare one
 * bean per definition and the auto-configuration registers it before any worker pool starts.
 *
 * <pre>{@code
 * @Bean
 * FlowstateDefinition<Order> orders() {
 *   return new FlowstateDefinition<>("orders", Order.class, Flow.of(price, approve));
 * }
 * }</pre>
 *
 * @param name the name stored workflows refer to, not blank
 * @param type the class of the objects, read and written with Jackson
 * @param flow the definition
 * @param checkpointEvery how often its runs commit, worker pools' included ({@link
 *     dev.flowstate.db.Flowstate#checkpointEvery}): 1, durable, unless said otherwise
 * @param <T> the object type
 */
public record FlowstateDefinition<T>(
    String name, Class<T> type, Flow<T> flow, int checkpointEvery) {

  /**
   * @throws IllegalArgumentException if an argument is missing, or checkpointEvery is below 1
   */
  public FlowstateDefinition {
    if (name == null || name.isBlank() || type == null || flow == null) {
      throw new IllegalArgumentException(
          "a FlowstateDefinition needs a name, an object type and a flow, got "
              + name
              + ", "
              + type
              + ", "
              + flow);
    }
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException(
          "checkpointEvery of definition '"
              + name
              + "' must be at least 1 (durable), got "
              + checkpointEvery);
    }
  }

  /** A durable definition (a commit at every save point). */
  public FlowstateDefinition(String name, Class<T> type, Flow<T> flow) {
    this(name, type, flow, 1);
  }
}
