package dev.flowstate.engine;

/** Checks that a task position fits a definition. */
final class Positions {
  private Positions() {}

  /**
   * Every index but the last must name a nested block; the last may name any element or point one
   * past the end of its block (where a restart at the "next" task of a block's last task lands).
   *
   * @return null if the path fits, else what is wrong
   */
  static String check(Flow<?> definition, int[] path) {
    Flow<?> block = definition;
    for (int d = 0; d < path.length; d++) {
      int index = path[d];
      boolean last = d == path.length - 1;
      if (index < 0 || index > block.size() || (!last && index == block.size())) {
        return "index "
            + index
            + " at depth "
            + d
            + " is outside its block of "
            + block.size()
            + " elements";
      }
      if (!last) {
        if (!(block.items[index] instanceof Flow<?> nested)) {
          return "index " + index + " at depth " + d + " is a task, not a nested block";
        }
        block = nested;
      }
    }
    return null;
  }
}
