package dev.flowstate.db;

import java.util.UUID;

/**
 * A run handed its workflow back at a save point because its worker pool is shutting down: the
 * workflow is stored RUNNING at its next object, with no owner, and any pool resumes it from there.
 * Only pool runs end this way; no stack trace, it is an outcome.
 */
final class Yielded extends RuntimeException {

  Yielded(UUID id, int next) {
    super(
        "workflow " + id + " handed back at object " + next + ": its worker pool is shutting down",
        null,
        false,
        false);
  }
}
