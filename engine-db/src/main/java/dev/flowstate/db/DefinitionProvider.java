package dev.flowstate.db;

/**
 * Registers an application's definitions, for tools that run stored workflows without the
 * application's own start-up code: the {@code ./flowstate resume} command finds every provider on
 * its class path with {@link java.util.ServiceLoader} and calls it on its Flowstate.
 *
 * <p>Implement it in the jar that holds your definitions and list the class in {@code
 * META-INF/services/dev.flowstate.db.DefinitionProvider}:
 *
 * <pre>{@code
 * public final class OrderDefinitions implements DefinitionProvider {
 *   public void register(Flowstate flowstate) {
 *     flowstate.register("orders", Order.class, OrderFlows.DEFINITION);
 *   }
 * }
 * }</pre>
 */
public interface DefinitionProvider {

  /**
   * Registers definitions, as the application does at start-up (same names, same definitions, so
   * that stored fingerprints match).
   *
   * @param flowstate the Flowstate to register them with
   */
  void register(Flowstate flowstate);
}
