package dev.flowstate.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/** Who may act: operators' names by token, compared in constant time. */
final class Operators {

  private final Map<String, String> byToken;

  Operators(Map<String, String> byToken) {
    this.byToken = Map.copyOf(byToken);
  }

  boolean any() {
    return !byToken.isEmpty();
  }

  /** The operator whose token this is; every token is compared, so timing tells nothing. */
  Optional<String> named(String token) {
    if (token == null) {
      return Optional.empty();
    }
    byte[] given = token.getBytes(StandardCharsets.UTF_8);
    String found = null;
    for (Map.Entry<String, String> e : byToken.entrySet()) {
      if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }
}
