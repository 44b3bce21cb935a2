package dev.flowstate.db.internal;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Step;
import dev.flowstate.engine.Task;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A hash of a definition's signature ({@link Flow#signature()}): its shape, its tasks' names and
 * the values its patterns were built with. Stored positions are paths into that shape and loop
 * states refer to those values, so a changed signature means the stored positions may now run
 * something else.
 */
public final class Fingerprint {
  private Fingerprint() {}

  /** 32 hex digits of the SHA-256 of the definition's signature. */
  public static String of(Flow<?> definition) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(definition.signature().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The tasks that have no name of their own (lambdas and method references, also inside a pattern
   * such as tryTask): their positions and names, e.g. {@code [1, 0] lambda in Orders}. Two of them
   * in one class look alike in every JVM, so a fingerprint cannot tell them apart.
   */
  public static List<String> unnamedTasks(Flow<?> definition) {
    List<String> unnamed = new ArrayList<>();
    collect(definition, new ArrayList<>(), unnamed);
    return unnamed;
  }

  private static void collect(Flow<?> block, List<Integer> path, List<String> unnamed) {
    for (int i = 0; i < block.size(); i++) {
      Step<?> step = block.get(i);
      path.add(i);
      if (step instanceof Flow<?> nested) {
        collect(nested, path, unnamed);
      } else if (((Task<?>) step).name().contains("lambda in ")) {
        unnamed.add(path + " " + ((Task<?>) step).name());
      }
      path.remove(path.size() - 1);
    }
  }
}
