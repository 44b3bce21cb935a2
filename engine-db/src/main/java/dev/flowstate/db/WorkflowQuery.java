package dev.flowstate.db;

import java.time.Instant;

/**
 * Which stored workflows {@link Flowstate#workflows(WorkflowQuery)} lists: an immutable value,
 * every filter optional, newest first (by last save), one page at a time.
 *
 * <pre>{@code
 * flowstate.workflows(WorkflowQuery.all().status(WorkflowStatus.HALTED).definition("orders").limit(20));
 * }</pre>
 *
 * @param status only workflows with this status, or null for any
 * @param definitionName only workflows of this definition, or null for any
 * @param modifiedSince only workflows saved at or after this instant, or null for any
 * @param offset how many matching workflows to skip, 0 or more
 * @param limit how many to return at most, 1 to {@value #MAX_LIMIT}
 */
public record WorkflowQuery(
    WorkflowStatus status, String definitionName, Instant modifiedSince, int offset, int limit) {

  /** The page size of {@link #all()}. */
  public static final int DEFAULT_LIMIT = 100;

  /** The largest page. */
  public static final int MAX_LIMIT = 10_000;

  /**
   * @throws IllegalArgumentException if offset is negative or limit outside 1..{@value #MAX_LIMIT}
   */
  public WorkflowQuery {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be 0 or more, got " + offset);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
  }

  /**
   * @return every workflow, newest first, the first {@value #DEFAULT_LIMIT}
   */
  public static WorkflowQuery all() {
    return new WorkflowQuery(null, null, null, 0, DEFAULT_LIMIT);
  }

  /**
   * @param status the status to keep, or null for any
   * @return this query with that filter
   */
  public WorkflowQuery status(WorkflowStatus status) {
    return new WorkflowQuery(status, definitionName, modifiedSince, offset, limit);
  }

  /**
   * @param name the definition name to keep, or null for any
   * @return this query with that filter
   */
  public WorkflowQuery definition(String name) {
    return new WorkflowQuery(status, name, modifiedSince, offset, limit);
  }

  /**
   * @param since the earliest last save to keep, or null for any
   * @return this query with that filter
   */
  public WorkflowQuery modifiedSince(Instant since) {
    return new WorkflowQuery(status, definitionName, since, offset, limit);
  }

  /**
   * @param offset how many matching workflows to skip
   * @return this query from that offset
   */
  public WorkflowQuery offset(int offset) {
    return new WorkflowQuery(status, definitionName, modifiedSince, offset, limit);
  }

  /**
   * @param limit how many workflows at most
   * @return this query with that page size
   */
  public WorkflowQuery limit(int limit) {
    return new WorkflowQuery(status, definitionName, modifiedSince, offset, limit);
  }
}
