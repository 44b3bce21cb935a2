package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.StoreException;
import dev.flowstate.migrations.Columns;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.generator.BeforeExecutionGenerator;
import org.hibernate.generator.EventType;

/*
 * PostgreSQL: the objects of a commit (a checkpoint's thousand; or the object that ended and the
 * next one marked RUNNING) in one UPDATE ... FROM unnest(arrays) ... RETURNING the status each
 * had before, and their history rows in one INSERT ... SELECT, instead of a select and a
 * statement per row. A batch of row statements still costs PostgreSQL a plan and an executor per
 * row, which made a checkpoint three times slower. History ids come from Hibernate's own pooled
 * generator, so they never collide with rows Hibernate inserts.
 */
final class PostgresDialect implements Dialect {

  private final Store store;
  final PostgresClaims claims;

  PostgresDialect(Store store) {
    this.store = store;
    this.claims = new PostgresClaims(store);
  }

  @Override
  public ObjectStatus writeObjects(
      EntityManager em,
      UUID id,
      List<ObjectEnd> pending,
      boolean history,
      int markRunning,
      java.time.Instant now) {
    ObjectRows rows = new ObjectRows(pending, markRunning, now);
    if (rows.n == 0) {
      return null;
    }
    ObjectStatus[] before = new ObjectStatus[1];
    Object[][] runs = history && !pending.isEmpty() ? runs(em, pending) : null;
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              // without a mark, the plain form spares a thousand index lookups of the self-join
              boolean marking = markRunning >= 0;
              try (PreparedStatement update =
                  connection.prepareStatement(objectUpdate(marking, "", marking))) {
                int p = rows.bind(connection, update, 1);
                update.setObject(p, id);
                int updated = 0;
                if (!marking) {
                  updated = update.executeUpdate();
                } else {
                  try (java.sql.ResultSet returned = update.executeQuery()) {
                    while (returned.next()) {
                      updated++;
                      if (returned.getBoolean(1)) {
                        before[0] = ObjectStatus.valueOf(returned.getString(2));
                      }
                    }
                  }
                }
                rows.check(id, updated);
              }
              if (runs != null) {
                try (PreparedStatement insert = connection.prepareStatement(historyInsert(""))) {
                  bindRuns(connection, insert, 1, id, runs);
                  insert.executeUpdate();
                }
              }
            });
    return before[0];
  }

  /*
   * A save point's writes in one statement: the fenced workflow row, the objects, their history
   * rows. The objects and history are written only when the row was (EXISTS over its CTE), so a
   * fenced-out engine changes nothing; the caller reads the counts and says why. One round trip
   * instead of three is most of what a short workflow's save point costs.
   */
  @Override
  public Committed commit(
      EntityManager em,
      WorkflowEntity row,
      String me,
      java.time.Instant now,
      List<ObjectEnd> pending,
      boolean history,
      int markRunning) {
    boolean marking = markRunning >= 0;
    boolean runs = history && !pending.isEmpty();
    Object[][] runColumns = runs ? runs(em, pending) : null;
    String json = json(row.extraData, row.id);
    String payload = json(row.haltPayload, row.id);
    // one object ended and/or the next marked (durable mode) in scalar parameters: the planner
    // then knows it is one row each and keeps one generic plan per connection, where the arrays'
    // unknown length made it plan every execution anew (as long as executing it)
    ObjectEnd ended = pending.size() == 1 ? pending.get(0) : null;
    boolean scalar = pending.isEmpty() || (ended != null && ended.pos() != markRunning);
    ObjectRows rows = scalar ? null : new ObjectRows(pending, markRunning, row.modifiedAt);
    String sql =
        "WITH w AS (UPDATE "
            + store.table("fs_workflow")
            + " SET status = ?, ended_by = ?, token_pos = ?, callback_pos = ?::jsonb,"
            + " extra_data = ?::jsonb, halt_message = ?, halt_action = ?,"
            + " halt_payload = ?::jsonb, last_error = ?, modified_at = ?::timestamptz,"
            + " owner = ?, lease_until = ?::timestamptz, resume_at = ?::timestamptz,"
            + " stalled_since = NULL, stalled_task = NULL, version = version + 1"
            + " WHERE id = ? AND version = ? AND (owner IS NULL OR owner = ?"
            + " OR lease_until IS NULL OR lease_until < ?::timestamptz) RETURNING id)"
            + (scalar
                ? scalarObjects(ended != null, marking, runs)
                : ", objs AS ("
                    + objectUpdate(marking, WRITTEN, true)
                    + ")"
                    + (runs ? ", h AS (" + historyInsert(WHERE_WRITTEN) + ")" : "")
                    + " SELECT (SELECT count(*) FROM w), (SELECT count(*) FROM objs),"
                    + " (SELECT was FROM objs WHERE mark)");
    Committed[] result = new Committed[1];
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              try (PreparedStatement save = connection.prepareStatement(sql)) {
                int p = 1;
                save.setString(p++, row.status.name());
                save.setString(p++, row.endedBy == null ? null : row.endedBy.name());
                save.setInt(p++, row.tokenPos);
                save.setString(p++, ObjectRows.json(row.callbackPos));
                save.setString(p++, json);
                save.setString(p++, row.haltMessage);
                save.setString(p++, row.haltAction);
                save.setString(p++, payload);
                save.setString(p++, row.lastError);
                save.setString(p++, text(row.modifiedAt));
                save.setString(p++, row.owner);
                save.setString(p++, text(row.leaseUntil));
                save.setString(p++, text(row.resumeAt));
                save.setObject(p++, row.id);
                save.setLong(p++, row.version);
                save.setString(p++, me);
                save.setString(p++, text(now));
                if (scalar) {
                  if (ended != null) {
                    save.setString(p++, ended.status() == null ? null : ended.status().name());
                    save.setString(p++, ended.data());
                    save.setString(p++, ObjectRows.json(ended.callbackPos()));
                    save.setString(p++, ended.errorText());
                    save.setString(p++, ended.endedAt().toString());
                    save.setObject(p++, row.id);
                    save.setInt(p++, ended.pos());
                  }
                  if (marking) {
                    save.setString(p++, text(row.modifiedAt));
                    save.setObject(p++, row.id);
                    save.setInt(p++, markRunning);
                  }
                  if (runs) { // id, workflow, pos, started, ended, outcome, callback, message
                    save.setLong(p++, (Long) runColumns[0][0]);
                    save.setObject(p++, row.id);
                    save.setInt(p++, (Integer) runColumns[1][0]);
                    for (int column = 2; column < runColumns.length; column++) {
                      save.setString(p++, (String) runColumns[column][0]);
                    }
                  }
                } else {
                  p = rows.bind(connection, save, p);
                  save.setObject(p++, row.id);
                  if (runs) {
                    bindRuns(connection, save, p, row.id, runColumns);
                  }
                }
                try (java.sql.ResultSet counts = save.executeQuery()) {
                  counts.next();
                  boolean rowWritten = counts.getLong(1) == 1;
                  if (rowWritten && scalar) {
                    int expected = (ended != null ? 1 : 0) + (marking ? 1 : 0);
                    if (counts.getLong(2) != expected) {
                      throw ObjectRows.missing(
                          row.id,
                          ended == null
                              ? new Integer[] {markRunning}
                              : marking
                                  ? new Integer[] {ended.pos(), markRunning}
                                  : new Integer[] {ended.pos()});
                    }
                  } else if (rowWritten) {
                    rows.check(row.id, (int) counts.getLong(2));
                  }
                  String before = counts.getString(3);
                  result[0] =
                      new Committed(
                          rowWritten, before == null ? null : ObjectStatus.valueOf(before));
                }
              }
            });
    return result[0];
  }

  /** The objects' and history's condition in {@link #commit}: the workflow row was written. */
  private static final String WRITTEN = " AND EXISTS (SELECT 1 FROM w)";

  private static final String WHERE_WRITTEN = " WHERE EXISTS (SELECT 1 FROM w)";

  /** Objects a new workflow's one statement takes; more go through Hibernate's batches. */
  private static final int INSERTED_AT_ONCE = 1_000;

  /*
   * The workflow row and its objects in one statement (a submit's one round trip), each object's
   * id from Hibernate's own pooled generator, so ids never collide with rows Hibernate inserts.
   */
  @Override
  public boolean insertNew(
      EntityManager em,
      WorkflowEntity row,
      int count,
      java.util.function.IntFunction<String> objects) {
    if (count > INSERTED_AT_ONCE) {
      return false;
    }
    Long[] ids = new Long[count];
    String[] data = new String[count];
    SessionImplementor session = em.unwrap(SessionImplementor.class);
    BeforeExecutionGenerator generator = Store.idGenerator(session, ObjectEntity.class);
    for (int i = 0; i < count; i++) {
      ids[i] = (Long) generator.generate(session, null, null, EventType.INSERT);
      data[i] = objects.apply(i);
    }
    String extra = json(row.extraData, row.id);
    String payload = json(row.haltPayload, row.id);
    session.doWork(
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "WITH w AS (INSERT INTO "
                      + store.table("fs_workflow")
                      + " (id, definition_name, definition_fingerprint, status, token_pos,"
                      + " callback_pos, extra_data, halt_message, halt_action, halt_payload,"
                      + " last_error, ended_by, owner, lease_until, resume_at, stalled_since,"
                      + " stalled_task, version, created_at, modified_at) VALUES (?, ?, ?, ?, ?,"
                      + " ?::jsonb, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?::timestamptz,"
                      + " ?::timestamptz, ?::timestamptz, ?, 0, ?::timestamptz, ?::timestamptz)"
                      + " RETURNING id) INSERT INTO "
                      + store.table("fs_object")
                      + " (id, workflow_id, pos, status, data, source_data, version, created_at,"
                      + " modified_at) SELECT v.id, w.id, v.n - 1, 'INITIAL', v.data::jsonb,"
                      + " v.data::jsonb, 0, ?::timestamptz, ?::timestamptz"
                      + " FROM w, unnest(?::int8[], ?::text[]) WITH ORDINALITY AS v(id, data, n)")) {
            int p = 1;
            insert.setObject(p++, row.id);
            insert.setString(p++, row.definitionName);
            insert.setString(p++, row.definitionFingerprint);
            insert.setString(p++, row.status.name());
            insert.setInt(p++, row.tokenPos);
            insert.setString(p++, ObjectRows.json(row.callbackPos));
            insert.setString(p++, extra);
            insert.setString(p++, row.haltMessage);
            insert.setString(p++, row.haltAction);
            insert.setString(p++, payload);
            insert.setString(p++, row.lastError);
            insert.setString(p++, row.endedBy == null ? null : row.endedBy.name());
            insert.setString(p++, row.owner);
            insert.setString(p++, text(row.leaseUntil));
            insert.setString(p++, text(row.resumeAt));
            insert.setString(p++, text(row.stalledSince));
            insert.setString(p++, row.stalledTask);
            insert.setString(p++, text(row.createdAt));
            insert.setString(p++, text(row.modifiedAt));
            insert.setString(p++, text(row.createdAt));
            insert.setString(p++, text(row.modifiedAt));
            insert.setArray(p++, connection.createArrayOf("int8", ids));
            insert.setArray(p, connection.createArrayOf("text", data));
            insert.executeUpdate();
          }
        });
    return true;
  }

  /** A JSON column's value as Hibernate writes it, with the same mapper. */
  private String json(Object value, UUID id) {
    if (value == null) {
      return null;
    }
    try {
      return store.mapper().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new StoreException(
          "workflow " + id + ": extra data or halt payload cannot be written as JSON", e);
    }
  }

  /**
   * The objects' part of {@link #commit} for at most one ended object ({@code e}: 7 parameters),
   * one marked RUNNING ({@code m}: 3, with the status it had) and the ended one's history row
   * ({@code h}: 8), then the counts: rows written, objects written, the marked one's status.
   */
  private String scalarObjects(boolean ended, boolean marking, boolean runs) {
    String objects = store.table("fs_object");
    return (ended
            ? ", e AS (UPDATE "
                + objects
                + " o SET status = COALESCE(?, o.status), data = COALESCE(?::jsonb, o.data),"
                + " callback_pos = ?::jsonb, error_text = ?, modified_at = ?::timestamptz,"
                + " version = o.version + 1 WHERE o.workflow_id = ? AND o.pos = ?"
                + WRITTEN
                + " RETURNING 1)"
            : "")
        + (marking
            ? ", m AS (UPDATE "
                + objects
                + " o SET status = 'RUNNING', modified_at = ?::timestamptz,"
                + " version = o.version + 1 FROM "
                + objects
                + " old WHERE o.workflow_id = ? AND o.pos = ? AND old.id = o.id"
                + WRITTEN
                + " RETURNING old.status AS was)"
            : "")
        + (runs
            ? ", h AS (INSERT INTO "
                + store.table("fs_object_run")
                + " (id, workflow_id, pos, started_at, ended_at, outcome, callback_pos, message)"
                + " SELECT ?, ?, ?, ?::timestamptz, ?::timestamptz, ?, ?::jsonb, ?"
                + WHERE_WRITTEN
                + ")"
            : "")
        + " SELECT (SELECT count(*) FROM w), "
        + (ended ? "(SELECT count(*) FROM e)" : "0")
        + " + "
        + (marking ? "(SELECT count(*) FROM m)" : "0")
        + ", "
        + (marking ? "(SELECT was FROM m)" : "NULL");
  }

  private static String text(java.time.Instant at) {
    return at == null ? null : at.toString();
  }

  /**
   * The objects' update over seven arrays (then the workflow id); {@code returning}: each row's
   * mark and, when {@code marking}, the status the marked object had before (a self-join, since
   * RETURNING sees the new row).
   */
  private String objectUpdate(boolean marking, String condition, boolean returning) {
    return "UPDATE "
        + store.table("fs_object")
        + " o SET"
        + " status = COALESCE(v.status, o.status),"
        + " data = COALESCE(v.data::jsonb, o.data),"
        + " callback_pos = CASE WHEN v.mark THEN o.callback_pos ELSE v.callback_pos::jsonb END,"
        + " error_text = CASE WHEN v.mark THEN o.error_text ELSE v.error_text END,"
        + " modified_at = v.modified_at::timestamptz, version = o.version + 1"
        + " FROM unnest(?::int[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[],"
        + " ?::text[]) AS v(pos, mark, status, data, callback_pos, error_text, modified_at)"
        + (marking ? ", " + store.table("fs_object") + " old" : "")
        + " WHERE o.workflow_id = ? AND o.pos = v.pos"
        + (marking ? " AND old.id = o.id" : "")
        + condition
        + (returning
            ? " RETURNING v.mark AS mark, " + (marking ? "old.status" : "NULL::text") + " AS was"
            : "");
  }

  /** The history rows over the workflow id and seven arrays. */
  private String historyInsert(String condition) {
    return "INSERT INTO "
        + store.table("fs_object_run")
        + " (id, workflow_id, pos, started_at, ended_at, outcome, callback_pos, message)"
        + " SELECT v.id, ?, v.pos, v.started_at::timestamptz, v.ended_at::timestamptz,"
        + " v.outcome, v.callback_pos::jsonb, v.message"
        + " FROM unnest(?::int8[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
        + " AS v(id, pos, started_at, ended_at, outcome, callback_pos, message)"
        + condition;
  }

  private static void bindRuns(
      java.sql.Connection connection, PreparedStatement insert, int p, UUID id, Object[][] runs)
      throws java.sql.SQLException {
    insert.setObject(p++, id);
    for (int column = 0; column < runs.length; column++) {
      insert.setArray(
          p++,
          connection.createArrayOf(
              column == 0 ? "int8" : column == 1 ? "int4" : "text", runs[column]));
    }
  }

  /** History columns, one array each: id, pos, started, ended, outcome, callbackPos, message. */
  private static Object[][] runs(EntityManager em, List<ObjectEnd> pending) {
    SessionImplementor session = em.unwrap(SessionImplementor.class);
    BeforeExecutionGenerator ids = Store.idGenerator(session, ObjectRunEntity.class);
    int n = pending.size();
    Object[][] columns = {
      new Long[n],
      new Integer[n],
      new String[n],
      new String[n],
      new String[n],
      new String[n],
      new String[n]
    };
    for (int i = 0; i < n; i++) {
      ObjectEnd e = pending.get(i);
      columns[0][i] = ids.generate(session, null, null, EventType.INSERT);
      columns[1][i] = e.pos();
      columns[2][i] = (e.startedAt() != null ? e.startedAt() : e.endedAt()).toString();
      columns[3][i] = e.endedAt().toString();
      columns[4][i] = e.outcome();
      columns[5][i] = ObjectRows.json(e.callbackPos());
      columns[6][i] = Columns.cut(e.errorText(), Columns.RUN_MESSAGE);
    }
    return columns;
  }

  /*
   * One statement: two CTEs lock candidates with FOR UPDATE SKIP LOCKED (a row another pool is
   * claiming right now is skipped, not waited for), interrupted ones through the status index and
   * due ones through the resume_at index in due order, so the scan stops after `limit` rows even
   * with a hundred thousand waiting; the update names the owner and moves the version on.
   */
  @Override
  public boolean claimReturnsRows() {
    return true;
  }

  @Override
  public List<Claim> claim(
      EntityManager em,
      String owner,
      int limit,
      java.time.Instant now,
      java.time.Instant until,
      Map<String, String> definitions,
      java.time.Instant stamp) {
    return claims.claim(em, owner, limit, now, until, definitions, stamp);
  }
}
