package dev.flowstate.engine;

/** Readable names for tasks that were not given one. */
final class Names {
  private Names() {}

  static String of(Object task) {
    Class<?> type = task.getClass();
    String name = type.getName();
    int lambda = name.indexOf("$$Lambda");
    if (lambda >= 0) {
      // a lambda's class name carries a per-JVM counter; keep only the stable part
      String enclosing = name.substring(0, lambda);
      return "lambda in " + enclosing.substring(enclosing.lastIndexOf('.') + 1);
    }
    String simple = type.getSimpleName();
    return simple.isEmpty() ? name.substring(name.lastIndexOf('.') + 1) : simple;
  }
}
