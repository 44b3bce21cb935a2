package dev.flowstate.engine.patterns;

import dev.flowstate.engine.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A test object: a counter and a thread-safe record of what ran on it. */
final class Doc {
  final String name;
  final List<String> seen = Collections.synchronizedList(new ArrayList<>());
  int n;

  Doc(String name) {
    this.name = name;
  }

  Doc(String name, int n) {
    this.name = name;
    this.n = n;
  }

  static Task<Doc> rec(String label) {
    return Task.named(label, (o, e) -> o.seen.add(label));
  }

  static Task<Doc> inc() {
    return Task.named("inc", (o, e) -> o.n++);
  }

  String log() {
    synchronized (seen) {
      return String.join(",", seen);
    }
  }

  @Override
  public String toString() {
    return name + seen;
  }
}
