package dev.flowstate.db.internal;

import dev.flowstate.engine.Flow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A hash of a definition's shape and task names: stored positions are paths into that shape, so a
 * changed shape makes them point elsewhere.
 */
public final class Fingerprint {
  private Fingerprint() {}

  /** 32 hex digits of the SHA-256 of the definition's rendering, e.g. {@code [a, [b, c]]}. */
  public static String of(Flow<?> definition) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(definition.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
