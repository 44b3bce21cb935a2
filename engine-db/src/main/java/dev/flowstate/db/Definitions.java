package dev.flowstate.db;

import dev.flowstate.db.internal.Fingerprint;
import dev.flowstate.engine.Flow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A Flowstate's registered definitions: by name, with their object types, fingerprints (which tell
 * a stored workflow's definition changed) and checkpoint settings.
 */
final class Definitions {

  /** A definition registered under a name, for objects of a type. */
  record Registered<T>(String name, Class<T> type, Flow<T> definition, String fingerprint) {}

  private final Map<String, Registered<?>> registry = new LinkedHashMap<>();
  private final Map<String, Integer> checkpoints = new java.util.concurrent.ConcurrentHashMap<>();

  /** See {@link Flowstate#register}. */
  synchronized <T> void register(String name, Class<T> type, Flow<T> definition) {
    if (name == null || name.isBlank() || type == null || definition == null) {
      throw new IllegalArgumentException(
          "register needs a name, an object type and a definition, got "
              + name
              + ", "
              + type
              + ", "
              + definition);
    }
    if (registry.containsKey(name)) {
      throw new IllegalArgumentException("a definition is already registered as '" + name + "'");
    }
    List<String> unnamed = Fingerprint.unnamedTasks(definition);
    if (!unnamed.isEmpty()) {
      throw new IllegalArgumentException(
          "definition '"
              + name
              + "' has tasks without a name: "
              + String.join(", ", unnamed)
              + ". A stored workflow recognises a changed definition by its tasks' names, and"
              + " unnamed lambdas look alike in every JVM; name each with Task.named(\"...\", task)");
    }
    registry.put(name, new Registered<>(name, type, definition, Fingerprint.of(definition)));
  }

  /** See {@link Flowstate#checkpointEvery}. */
  void checkpointEvery(String name, int objects) {
    byName(name); // an unknown name says so, with the registered ones
    if (objects < 1) {
      throw new IllegalArgumentException(
          "checkpointEvery of '" + name + "' must be at least 1 (durable), got " + objects);
    }
    checkpoints.put(name, objects);
  }

  /** The checkpoint setting of a definition's runs, or null for the engine's own. */
  Integer checkpoint(String name) {
    return checkpoints.get(name);
  }

  synchronized java.util.Optional<Registered<?>> find(String name) {
    return java.util.Optional.ofNullable(registry.get(name));
  }

  synchronized Registered<?> byName(String name) {
    Registered<?> registered = registry.get(name);
    if (registered == null) {
      throw new IllegalArgumentException(
          "no definition is registered as '"
              + name
              + "'; registered definitions: "
              + registry.keySet()
              + ". Register it with register(name, type, definition)");
    }
    return registered;
  }

  @SuppressWarnings("unchecked")
  synchronized <T> Registered<T> of(String name, Class<T> type, UUID workflow) {
    Registered<?> registered = registry.get(name);
    if (registered == null) {
      String message =
          (workflow == null ? "" : "workflow " + workflow + " uses ")
              + "definition '"
              + name
              + "', which is not registered; registered definitions: "
              + registry.keySet()
              + ". Register it with register(name, type, definition)";
      // a name the caller gave is a bad argument; a stored workflow's is this Flowstate's state
      throw workflow == null
          ? new IllegalArgumentException(message)
          : new IllegalStateException(message);
    }
    if (type != null && !registered.type().equals(type)) {
      throw new IllegalArgumentException(
          "definition '"
              + name
              + "' is registered for objects of "
              + registered.type().getName()
              + ", not "
              + type.getName());
    }
    return (Registered<T>) registered;
  }

  /** The definitions a pool may run now: name to fingerprint. */
  synchronized Map<String, String> fingerprints() {
    Map<String, String> fingerprints = new LinkedHashMap<>();
    registry.values().forEach(r -> fingerprints.put(r.name(), r.fingerprint()));
    return fingerprints;
  }

  /** The objects as the definition's type; {@code which} names the workflow in a message. */
  static <T> List<T> typed(Registered<T> registered, List<?> objects, String which) {
    List<T> typed = new java.util.ArrayList<>(objects.size());
    for (int i = 0; i < objects.size(); i++) {
      Object object = objects.get(i);
      if (object != null && !registered.type().isInstance(object)) {
        throw new IllegalArgumentException(
            "object "
                + i
                + which
                + " is a "
                + object.getClass().getName()
                + ", but definition '"
                + registered.name()
                + "' runs on "
                + registered.type().getName());
      }
      typed.add(registered.type().cast(object));
    }
    return typed;
  }
}
