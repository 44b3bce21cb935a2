package dev.flowstate.migrations;

/**
 * The lengths of flowstate's free-text columns, as the migrations create them: code that writes
 * these columns cuts its text to them (visibly, ending in "..."), and a test checks them against
 * the schema of every database, so the two cannot drift apart.
 */
public final class Columns {

  /** {@code fs_workflow.definition_name}. */
  public static final int DEFINITION_NAME = 200;

  /** {@code fs_workflow.halt_message}. */
  public static final int HALT_MESSAGE = 4000;

  /** {@code fs_workflow.halt_action}. */
  public static final int HALT_ACTION = 200;

  /** {@code fs_workflow.last_error}. */
  public static final int LAST_ERROR = 8000;

  /** {@code fs_object.error_text}. */
  public static final int ERROR_TEXT = 8000;

  /** {@code fs_object_run.message}. */
  public static final int RUN_MESSAGE = 4000;

  /** {@code fs_workflow.stalled_task}: the task a stalled run is in (V7). */
  public static final int STALLED_TASK = 200;

  private Columns() {}

  /**
   * {@code text} cut to {@code length} characters, its end replaced by "..." when it was longer, so
   * a reader sees that it was cut.
   *
   * @param text the text, or null
   * @param length the column's length, at least 3
   * @return the text as it fits the column, or null
   */
  public static String cut(String text, int length) {
    return text == null || text.length() <= length ? text : text.substring(0, length - 3) + "...";
  }

  /**
   * The first line of a message, as one-line errors show a database's (PostgreSQL's carry a
   * "Detail:" or "Where:" line, H2's the SQL statement).
   *
   * @param text the message, or null
   * @return its first line; empty for null
   */
  public static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
