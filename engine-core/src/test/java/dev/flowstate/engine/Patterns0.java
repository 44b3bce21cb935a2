package dev.flowstate.engine;

/** Tiny tasks for tests of the engine package (the real patterns live in their own package). */
final class Patterns0 {
  private Patterns0() {}

  static Task<Item> brk() {
    return Task.named(
        "brk",
        (o, e) -> {
          o.seen.add("!");
          e.breakCurrentLoop();
        });
  }
}
