package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.migrations.Columns;
import dev.flowstate.migrations.DatabaseKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An operator's requests on stored workflows in plain JDBC, on a connection the caller opens: the
 * write side of the dashboard and of tools that, like it, never run a task. A request is recorded
 * (the workflow becomes due, and the request goes into {@code fs_workflow_action} with who asked)
 * in one transaction; a worker pool carries it out.
 *
 * <p>What a request may ask is what {@link Flowstate#resumeAt} allows, with the same errors.
 * Thread-safe; one instance serves any number of connections.
 */
public final class WorkflowActions {

  /** The longest name of who asked, and of where from. */
  public static final int MAX_NAME = 200;

  private final JdbcRows jdbc;

  /**
   * @param schema the schema of flowstate's tables, or null for the connection's own
   */
  public WorkflowActions(String schema) {
    this.jdbc = new JdbcRows(new ObjectMapper(), schema);
  }

  /**
   * Asks for a halted, failed or new workflow to be resumed by a worker pool at {@code at}, or now
   * (by the database's clock) when {@code at} is null, and records who asked. A later request
   * replaces an earlier one.
   *
   * @param connection the database; the request is committed on it before this returns (and with it
   *     anything the caller left uncommitted there), and its auto-commit setting is restored
   * @param id the workflow's id
   * @param at when it becomes due, or null for now
   * @param requestedBy who asked, 1 to {@value #MAX_NAME} characters
   * @param requestedFrom where from (a client's address), or null
   * @return the action as recorded
   * @throws IllegalArgumentException if the id or who asked is missing, there is no such workflow,
   *     or {@code at} is later than the database holds (MariaDB and MySQL: January 2038)
   * @throws IllegalStateException if the workflow is RUNNING or COMPLETED
   * @throws StoreException if the database fails (nothing is recorded)
   */
  public WorkflowAction requestResume(
      Connection connection, UUID id, Instant at, String requestedBy, String requestedFrom) {
    JdbcRows.requireId(id);
    if (requestedBy == null || requestedBy.isBlank() || requestedBy.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          "who asked must be a name of 1 to " + MAX_NAME + " characters, got " + requestedBy);
    }
    if (at != null) {
      requireHeld(at, JdbcRows.kind(connection));
    }
    String from =
        requestedFrom == null || requestedFrom.length() <= MAX_NAME
            ? requestedFrom
            : requestedFrom.substring(0, MAX_NAME);
    try {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        WorkflowAction action = record(connection, id, at, requestedBy, from);
        connection.commit();
        return action;
      } catch (RuntimeException | SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new StoreException(
          "could not request a resume of workflow " + id + ": " + Columns.firstLine(e.getMessage()),
          e);
    }
  }

  private WorkflowAction record(
      Connection connection, UUID id, Instant at, String requestedBy, String from)
      throws SQLException {
    Instant now = JdbcRows.databaseTime(connection);
    Instant due = at != null ? at : now;
    List<Object> params = new ArrayList<>(List.of(due, id));
    int updated =
        update(
            connection,
            "UPDATE "
                + jdbc.table(connection, "fs_workflow")
                + " SET resume_at = ? WHERE id = ? AND status IN ('NEW', 'HALTED', 'ERROR')",
            params);
    if (updated != 1) {
      List<String> status =
          JdbcRows.select(
              connection,
              "SELECT status FROM " + jdbc.table(connection, "fs_workflow") + " WHERE id = ?",
              List.of(id),
              "workflow " + id,
              r -> r.getString(1));
      if (status.isEmpty()) {
        throw new IllegalArgumentException(
            "no workflow with id " + id + "; check the id (flowstate list)");
      }
      throw refusal(id, status.get(0));
    }
    update(
        connection,
        "INSERT INTO "
            + jdbc.table(connection, "fs_workflow_action")
            + " (workflow_id, action, resume_at, requested_by, requested_from, requested_at)"
            + " VALUES (?, 'RESUME', ?, ?, ?, ?)",
        new ArrayList<>(java.util.Arrays.asList(id, due, requestedBy, from, now)));
    return new WorkflowAction(now, "RESUME", due, requestedBy, from);
  }

  /** A due time the database's TIMESTAMP columns cannot hold is refused, not cut. */
  static void requireHeld(Instant at, DatabaseKind kind) {
    if (at.isAfter(kind.latestInstant())) {
      throw new IllegalArgumentException(
          "resumeAt "
              + at
              + " is after "
              + kind.latestInstant()
              + ", the last instant this database's TIMESTAMP columns hold; choose an earlier"
              + " time");
    }
  }

  /** Why a workflow of this status cannot be asked to resume. */
  static IllegalStateException refusal(UUID id, String status) {
    return new IllegalStateException(
        "workflow "
            + id
            + " is "
            + status
            + ": "
            + ("RUNNING".equals(status)
                ? "it is running (a worker pool takes an interrupted one over without a request)"
                : "every object was processed, there is nothing to resume"));
  }

  private static int update(Connection connection, String sql, List<Object> params)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      JdbcRows.bind(connection, statement, params);
      return statement.executeUpdate();
    }
  }
}
