package dev.flowstate.engine;

/** Holder of the shared standard transition table and no-op hooks and listener. */
final class StandardTable {
  static final TransitionTable<Object> INSTANCE = new TransitionTable<>() {};
  static final EngineHooks<Object> NO_HOOKS = new EngineHooks<>() {};
  static final EngineListener<Object> NO_LISTENER = new EngineListener<>() {};

  private StandardTable() {}
}
