package dev.flowstate.engine;

import java.util.ArrayList;
import java.util.List;

/** A test object that records which tasks ran on it, in order. */
final class Item {
  final String name;
  final List<String> seen = new ArrayList<>();
  int value;

  Item(String name) {
    this.name = name;
  }

  static List<Item> items(String... names) {
    List<Item> items = new ArrayList<>();
    for (String name : names) {
      items.add(new Item(name));
    }
    return items;
  }

  /** A task that records {@code label} on the object. */
  static Task<Item> rec(String label) {
    return Task.named(label, (obj, engine) -> obj.seen.add(label));
  }

  /** A task that records {@code label}, then halts the first time it runs on any object. */
  static Task<Item> haltOnce(String label, boolean[] halted) {
    return Task.named(
        label,
        (obj, engine) -> {
          obj.seen.add(label);
          if (!halted[0]) {
            halted[0] = true;
            engine.halt("halt at " + label, "fix", obj.name);
          }
        });
  }

  /** A task that records {@code label}, then runs {@code action} on the named object only. */
  static Task<Item> on(String objectName, String label, Task<Item> action) {
    return Task.named(
        label,
        (obj, engine) -> {
          obj.seen.add(label);
          if (obj.name.equals(objectName)) {
            action.run(obj, engine);
          }
        });
  }

  static String seen(List<Item> items) {
    StringBuilder out = new StringBuilder();
    for (Item item : items) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(item.name).append(':').append(String.join("", item.seen));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return name + seen;
  }
}
