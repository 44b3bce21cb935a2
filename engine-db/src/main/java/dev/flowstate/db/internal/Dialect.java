package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What differs between the databases: how a commit writes its objects. PostgreSQL takes a
 * checkpoint's thousand objects in one set-based statement; other databases get entity updates. And
 * how worker pools claim workflows: PostgreSQL in one statement that skips rows other pools are
 * claiming; MariaDB and MySQL with a locking read that skips them and one update; H2 with a
 * conditional update per row. Chosen once, when the store opens.
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

  /**
   * Claims up to {@code limit} runnable workflows of the given definitions for {@code owner}:
   * interrupted ones (RUNNING, no live owner) first, then due ones (resume_at passed, no live
   * owner) oldest first. Each claimed row names {@code owner}, its lease ends at {@code until}, and
   * its version moves on, so an engine that loaded it before cannot save it any more.
   *
   * @param definitions definition name to fingerprint: only workflows stored with one of these
   * @param stamp the modification time of what a claim also writes (the timestamps' clock)
   */
  List<Claim> claim(
      EntityManager em,
      String owner,
      int limit,
      Instant now,
      Instant until,
      java.util.Map<String, String> definitions,
      Instant stamp);

  /** What {@link #commit} wrote: whether the fenced row was, and the marked object's status. */
  record Committed(boolean rowWritten, ObjectStatus before) {}

  /**
   * A save point's writes in one statement where the database can: the workflow row as {@link
   * WorkflowTable#updateWorkflow} writes it (fenced), and only if it was written the objects and
   * history as {@link #writeObjects} does.
   *
   * @return what was written, or null if this database writes them one after the other
   */
  default Committed commit(
      EntityManager em,
      WorkflowEntity row,
      String me,
      Instant now,
      List<ObjectEnd> ended,
      boolean history,
      int markRunning) {
    return null;
  }

  /**
   * Inserts a new workflow row (version 0) and its objects ({@code INITIAL}, positions from 0) in
   * one statement where the database can.
   *
   * @param objects each object's JSON, in order
   * @return false if this database cannot (the caller persists the entities)
   */
  default boolean insertNew(
      EntityManager em,
      WorkflowEntity row,
      int count,
      java.util.function.IntFunction<String> objects) {
    return false;
  }

  /**
   * Whether {@link #claim} returns each claimed row with its objects ({@link Claim#preloaded()}),
   * so that no read is needed between the claim and the run; a row it could not decode then comes
   * back without them and is read by its run.
   */
  default boolean claimReturnsRows() {
    return false;
  }
}
