package dev.flowstate.db;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * Which stored workflows {@link Flowstate#workflows(WorkflowQuery)} lists: an immutable value,
 * every filter optional, newest first, one page at a time.
 *
 * <p>Two ways to page: by {@link #offset(int) offset}, or by cursor ({@link #after(String)} with
 * the {@link #cursorAfter(StoredWorkflow) cursor of the last row} of the page before), which reads
 * any page of a large table as fast as the first. Cursor pages ordered by {@link Order#CREATED}
 * stay stable while workflows run; ordered by last save, a workflow saved between two pages moves
 * to the front and is not seen again on later pages.
 *
 * <pre>{@code
 * flowstate.workflows(WorkflowQuery.all().status(WorkflowStatus.HALTED).definition("orders").limit(20));
 *
 * WorkflowQuery query = WorkflowQuery.all().order(WorkflowQuery.Order.CREATED).limit(50);
 * List<StoredWorkflow> page = reader.workflows(connection, query);
 * List<StoredWorkflow> next = reader.workflows(connection,
 *     query.after(query.cursorAfter(page.get(page.size() - 1))));
 * }</pre>
 *
 * @param status only workflows with this status, or null for any
 * @param definitionName only workflows of this definition, or null for any
 * @param modifiedSince only workflows saved at or after this instant, or null for any
 * @param text only workflows whose halt message or error contains this text, in any case, or null
 *     for any
 * @param createdFrom only workflows stored at or after this instant, or null for any
 * @param createdBefore only workflows stored before this instant, or null for any
 * @param order newest first by last save ({@link Order#LAST_SAVED}, the default) or by creation
 * @param after the cursor of the last row of the page before, or null for the first page
 * @param offset how many matching workflows to skip, 0 or more (0 with a cursor)
 * @param limit how many to return at most, 1 to {@value #MAX_LIMIT}
 */
public record WorkflowQuery(
    WorkflowStatus status,
    String definitionName,
    Instant modifiedSince,
    String text,
    Instant createdFrom,
    Instant createdBefore,
    Order order,
    String after,
    int offset,
    int limit) {

  /** The page size of {@link #all()}. */
  public static final int DEFAULT_LIMIT = 100;

  /** The largest page. */
  public static final int MAX_LIMIT = 10_000;

  /** The longest text filter, in characters. */
  public static final int MAX_TEXT = 200;

  /** Which time orders the workflows, newest first (ties by id). */
  public enum Order {
    /** By last save: what changed last comes first. */
    LAST_SAVED,
    /** By creation: a stable order for paging through a table that is being written. */
    CREATED
  }

  /**
   * @throws IllegalArgumentException if offset is negative, limit outside 1..{@value #MAX_LIMIT},
   *     the text longer than {@value #MAX_TEXT}, the order null, the cursor not one of {@link
   *     #cursorAfter}'s, or a cursor given with an offset
   */
  public WorkflowQuery {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be 0 or more, got " + offset);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
    if (order == null) {
      throw new IllegalArgumentException("order must not be null; use Order.LAST_SAVED");
    }
    if (text != null && text.length() > MAX_TEXT) {
      throw new IllegalArgumentException(
          "text must be at most " + MAX_TEXT + " characters, got " + text.length());
    }
    if (text != null && text.isBlank()) {
      text = null;
    }
    if (after != null) {
      if (offset != 0) {
        throw new IllegalArgumentException(
            "a page is chosen by a cursor or by an offset, not both; drop the offset");
      }
      Cursor.parse(after);
    }
  }

  /**
   * The query of earlier versions: its filters and an offset page, newest first by last save.
   *
   * @param status only workflows with this status, or null for any
   * @param definitionName only workflows of this definition, or null for any
   * @param modifiedSince only workflows saved at or after this instant, or null for any
   * @param offset how many matching workflows to skip, 0 or more
   * @param limit how many to return at most, 1 to {@value #MAX_LIMIT}
   */
  public WorkflowQuery(
      WorkflowStatus status, String definitionName, Instant modifiedSince, int offset, int limit) {
    this(
        status,
        definitionName,
        modifiedSince,
        null,
        null,
        null,
        Order.LAST_SAVED,
        null,
        offset,
        limit);
  }

  /**
   * @return every workflow, newest first by last save, the first {@value #DEFAULT_LIMIT}
   */
  public static WorkflowQuery all() {
    return new WorkflowQuery(null, null, null, 0, DEFAULT_LIMIT);
  }

  /**
   * @param status the status to keep, or null for any
   * @return this query with that filter
   */
  public WorkflowQuery status(WorkflowStatus status) {
    return new WorkflowQuery(
        status,
        definitionName,
        modifiedSince,
        text,
        createdFrom,
        createdBefore,
        order,
        after,
        offset,
        limit);
  }

  /**
   * @param name the definition name to keep, or null for any
   * @return this query with that filter
   */
  public WorkflowQuery definition(String name) {
    return new WorkflowQuery(
        status, name, modifiedSince, text, createdFrom, createdBefore, order, after, offset, limit);
  }

  /**
   * @param since the earliest last save to keep, or null for any
   * @return this query with that filter
   */
  public WorkflowQuery modifiedSince(Instant since) {
    return new WorkflowQuery(
        status,
        definitionName,
        since,
        text,
        createdFrom,
        createdBefore,
        order,
        after,
        offset,
        limit);
  }

  /**
   * @param contains text the halt message or the error must contain, in any case, or null for any
   * @return this query with that filter
   */
  public WorkflowQuery text(String contains) {
    return new WorkflowQuery(
        status,
        definitionName,
        modifiedSince,
        contains,
        createdFrom,
        createdBefore,
        order,
        after,
        offset,
        limit);
  }

  /**
   * @param from the earliest creation to keep (inclusive), or null for any
   * @param before the creation to stop before (exclusive), or null for any
   * @return this query with that filter
   */
  public WorkflowQuery created(Instant from, Instant before) {
    return new WorkflowQuery(
        status, definitionName, modifiedSince, text, from, before, order, after, offset, limit);
  }

  /**
   * @param order the time to order by, newest first
   * @return this query in that order
   */
  public WorkflowQuery order(Order order) {
    return new WorkflowQuery(
        status,
        definitionName,
        modifiedSince,
        text,
        createdFrom,
        createdBefore,
        order,
        after,
        offset,
        limit);
  }

  /**
   * @param cursor the {@link #cursorAfter cursor} of the last row of the page before, or null for
   *     the first page
   * @return the page after that row
   */
  public WorkflowQuery after(String cursor) {
    return new WorkflowQuery(
        status,
        definitionName,
        modifiedSince,
        text,
        createdFrom,
        createdBefore,
        order,
        cursor,
        offset,
        limit);
  }

  /**
   * @param offset how many matching workflows to skip
   * @return this query from that offset
   */
  public WorkflowQuery offset(int offset) {
    return new WorkflowQuery(
        status,
        definitionName,
        modifiedSince,
        text,
        createdFrom,
        createdBefore,
        order,
        after,
        offset,
        limit);
  }

  /**
   * @param limit how many workflows at most
   * @return this query with that page size
   */
  public WorkflowQuery limit(int limit) {
    return new WorkflowQuery(
        status,
        definitionName,
        modifiedSince,
        text,
        createdFrom,
        createdBefore,
        order,
        after,
        offset,
        limit);
  }

  /**
   * The cursor that continues this query after {@code last}: opaque text, safe in a URL.
   *
   * @param last the last workflow of a page this query read
   * @return the cursor for {@link #after(String)}
   * @throws IllegalArgumentException if {@code last} is null
   */
  public String cursorAfter(StoredWorkflow last) {
    if (last == null) {
      throw new IllegalArgumentException("the last workflow of a page must not be null");
    }
    Instant time = order == Order.CREATED ? last.createdAt() : last.modifiedAt();
    return new Cursor(time, last.id()).text();
  }

  /** Where a cursor page starts: after the row with this time and id, in the query's order. */
  record Cursor(Instant time, UUID id) {

    String text() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((time + "_" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String text) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        int split = decoded.indexOf('_');
        return new Cursor(
            Instant.parse(decoded.substring(0, split)),
            UUID.fromString(decoded.substring(split + 1)));
      } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
        throw new IllegalArgumentException(
            "cursor "
                + (text.length() > 60 ? text.substring(0, 60) + "..." : text)
                + " is not one a page gave; start again from the first page",
            e);
      }
    }
  }
}
