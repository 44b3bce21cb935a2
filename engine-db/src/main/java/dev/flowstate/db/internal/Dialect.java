package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What differs between the databases: how a commit writes its objects. PostgreSQL takes a
 * checkpoint's thousand objects in one set-based statement; other databases get entity updates.
 * Chosen once, when the store opens.
 */
interface Dialect {

  /**
   * Writes the objects that ended, their history rows, and marks {@code markRunning} RUNNING.
   *
   * @return the status object {@code markRunning} had before it was marked, or null if none was
   */
  ObjectStatus writeObjects(
      EntityManager em,
      UUID id,
      List<ObjectEnd> ended,
      boolean history,
      int markRunning,
      Instant now);

  static Dialect of(Store store) {
    return store.postgres() ? new PostgresDialect(store) : new StandardDialect();
  }
}
