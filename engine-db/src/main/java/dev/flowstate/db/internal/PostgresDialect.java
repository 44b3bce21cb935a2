package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.StoreException;
import dev.flowstate.migrations.Columns;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.util.HashMap;
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

  PostgresDialect(Store store) {
    this.store = store;
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
                save.setString(p++, json(row.callbackPos));
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
                    save.setString(p++, json(ended.callbackPos()));
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
                      throw missing(
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
    BeforeExecutionGenerator generator = generator(session, ObjectEntity.class);
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
            insert.setString(p++, json(row.callbackPos));
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

  private static BeforeExecutionGenerator generator(SessionImplementor session, Class<?> entity) {
    return (BeforeExecutionGenerator)
        session.getFactory().getMappingMetamodel().getEntityDescriptor(entity).getGenerator();
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

  /**
   * A commit's objects, one array per column: the last end of each (a backward jump can end one
   * object twice), then the object to mark RUNNING.
   */
  private static final class ObjectRows {
    final int n;
    final Boolean[] mark;
    final Integer[] pos;
    final String[] status;
    final String[] data;
    final String[] callbackPos;
    final String[] errorText;
    final String[] modifiedAt;

    ObjectRows(List<ObjectEnd> pending, int markRunning, java.time.Instant now) {
      Map<Integer, ObjectEnd> last = new HashMap<>();
      for (ObjectEnd e : pending) {
        last.put(e.pos(), e);
      }
      n = last.size() + (markRunning >= 0 ? 1 : 0);
      mark = new Boolean[n];
      pos = new Integer[n];
      status = new String[n];
      data = new String[n];
      callbackPos = new String[n];
      errorText = new String[n];
      modifiedAt = new String[n];
      int i = 0;
      for (ObjectEnd e : last.values()) {
        pos[i] = e.pos();
        mark[i] = false;
        status[i] = e.status() == null ? null : e.status().name();
        data[i] = e.data();
        callbackPos[i] = json(e.callbackPos());
        errorText[i] = e.errorText();
        modifiedAt[i] = e.endedAt().toString();
        i++;
      }
      if (markRunning >= 0) {
        pos[i] = markRunning;
        mark[i] = true;
        status[i] = ObjectStatus.RUNNING.name();
        modifiedAt[i] = now.toString();
      }
    }

    /** Binds the seven arrays from parameter {@code p}; returns the next parameter. */
    int bind(java.sql.Connection connection, PreparedStatement statement, int p)
        throws java.sql.SQLException {
      statement.setArray(p++, connection.createArrayOf("int4", pos));
      statement.setArray(p++, connection.createArrayOf("bool", mark));
      statement.setArray(p++, connection.createArrayOf("text", status));
      statement.setArray(p++, connection.createArrayOf("text", data));
      statement.setArray(p++, connection.createArrayOf("text", callbackPos));
      statement.setArray(p++, connection.createArrayOf("text", errorText));
      statement.setArray(p++, connection.createArrayOf("text", modifiedAt));
      return p;
    }

    void check(UUID id, int updated) {
      if (updated != n) {
        throw missing(id, pos);
      }
    }
  }

  private static StoreException missing(UUID id, Integer[] positions) {
    return new StoreException(
        "workflow "
            + id
            + " has no stored object at some of the positions "
            + java.util.Arrays.toString(positions)
            + "; were the objects replaced by a longer list in restart(...)?");
  }

  /** History columns, one array each: id, pos, started, ended, outcome, callbackPos, message. */
  private static Object[][] runs(EntityManager em, List<ObjectEnd> pending) {
    SessionImplementor session = em.unwrap(SessionImplementor.class);
    BeforeExecutionGenerator ids = generator(session, ObjectRunEntity.class);
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
      columns[5][i] = json(e.callbackPos());
      columns[6][i] = Columns.cut(e.errorText(), Columns.RUN_MESSAGE);
    }
    return columns;
  }

  private static String json(List<Integer> positions) {
    if (positions == null) {
      return null;
    }
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < positions.size(); i++) {
      json.append(i == 0 ? "" : ",").append(positions.get(i));
    }
    return json.append(']').toString();
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
    List<Claim> claimed = new java.util.ArrayList<>(limit);
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              try (PreparedStatement claim =
                  connection.prepareStatement(PIN_PLAN + claimSql(definitions.size()))) {
                bind(claim, owner, limit, now, until, definitions, stamp);
                try (java.sql.ResultSet rows = pinnedResult(claim)) {
                  while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    claimed.add(
                        new Claim(id, rows.getString(2), rows.getBoolean(3), claimedRow(id, rows)));
                  }
                }
              }
            });
    return claimed;
  }

  /*
   * The claim must walk the indexes (due rows in resume_at order, stopping after the batch), never
   * scan the table: a seq scan and sort read every row, ten thousand after a large submit, at each
   * claim. The planner chooses the scan when its statistics are stale (a table truncated or filled
   * since autovacuum last analyzed it: an estimate of one matching row made a 16-row claim 30 times
   * slower here), and a bitmap scan visits the heap for each dead index entry of RUNNING rows that
   * a plain index scan marks dead once. SET LOCAL ends with the claim's transaction. The settings
   * travel with the claim in one round trip (the driver sends a statement's parts together): a
   * round trip of their own between the pool's last look at "stopping" and its claim let a closing
   * pool claim a workflow handed back meanwhile.
   */
  static final String PIN_PLAN =
      "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; ";

  /** The rows of a statement that begins with {@link #PIN_PLAN} (after its two settings). */
  static java.sql.ResultSet pinnedResult(PreparedStatement statement) throws java.sql.SQLException {
    boolean rows = statement.execute();
    while (!rows && statement.getUpdateCount() != -1) {
      rows = statement.getMoreResults();
    }
    if (!rows) {
      throw new java.sql.SQLException("the claim returned no rows, not even an empty set");
    }
    return statement.getResultSet();
  }

  String claimSql(int definitions) {
    StringBuilder defs = new StringBuilder("(definition_name, definition_fingerprint) IN (");
    for (int i = 0; i < definitions; i++) {
      defs.append(i == 0 ? "(?, ?)" : ", (?, ?)");
    }
    defs.append(")");
    String table = store.table("fs_workflow");
    String free = "(owner IS NULL OR lease_until IS NULL OR lease_until < ?)";
    String objects = store.table("fs_object");
    return "WITH interrupted AS (SELECT id, lease_until AS t, status AS s, token_pos AS p FROM "
        + table
        + " WHERE status = 'RUNNING' AND "
        + free
        + " AND "
        + defs
        + " LIMIT ? FOR UPDATE SKIP LOCKED),"
        + " due AS (SELECT id, resume_at AS t, status AS s, token_pos AS p FROM "
        + table
        + " WHERE resume_at <= ? AND status <> 'RUNNING' AND "
        + free
        + " AND "
        + defs
        + " ORDER BY resume_at LIMIT ? FOR UPDATE SKIP LOCKED),"
        + " chosen AS (SELECT id, s, p FROM (SELECT id, 0 AS k, t, s, p FROM interrupted"
        + " UNION ALL SELECT id, 1 AS k, t, s, p FROM due) c ORDER BY k, t NULLS FIRST LIMIT ?),"
        // a NEW workflow's run starts with the claim: its first save point (SEMANTICS section 7,
        // "run starts" and "before an object") commits with it, so the run writes it no more
        + " started AS (UPDATE "
        + objects
        // ids as an array, not a join: the object's unique index is then the only way in, also
        // when stale statistics make the planner think fs_object is one row (it walked the whole
        // index for pos = 0 before joining, 2 ms at 6,000 objects)
        + " o SET status = 'RUNNING', modified_at = ?, version = o.version + 1"
        + " WHERE o.workflow_id = ANY (ARRAY(SELECT id FROM chosen WHERE s = 'NEW' AND p = -1))"
        + " AND o.pos = 0 AND o.status = 'INITIAL' RETURNING o.workflow_id)"
        + " UPDATE "
        + table
        + " w SET owner = ?, lease_until = ?, version = w.version + 1,"
        + " status = CASE WHEN w.id IN (SELECT workflow_id FROM started) THEN 'RUNNING'"
        + " ELSE w.status END,"
        + " token_pos = CASE WHEN w.id IN (SELECT workflow_id FROM started) THEN 0"
        + " ELSE w.token_pos END,"
        + " resume_at = CASE WHEN w.id IN (SELECT workflow_id FROM started) THEN NULL"
        + " ELSE w.resume_at END,"
        + " modified_at = CASE WHEN w.id IN (SELECT workflow_id FROM started) THEN ?"
        + " ELSE w.modified_at END"
        + " WHERE w.id = ANY (ARRAY(SELECT id FROM chosen))"
        + " RETURNING w.id, w.definition_name, w.id IN (SELECT workflow_id FROM started), "
        // what the run needs, so that it starts without a read of its own: the row as updated,
        // the object count (positions are 0..n-1) and, for a small workflow, its objects' JSON
        + ROW_COLUMNS
        + ", (SELECT max(o.pos) + 1 FROM "
        + objects
        + " o WHERE o.workflow_id = w.id), (SELECT array_agg(o.data::text ORDER BY o.pos) FROM "
        + objects
        + " o WHERE o.workflow_id = w.id AND o.pos >= 0 AND o.pos < "
        + WorkflowTable.PRELOADED_OBJECTS
        + ")";
  }

  /** The workflow columns the claim returns, in {@link #claimedRow}'s order (from column 4). */
  private static final String ROW_COLUMNS =
      "w.definition_fingerprint, w.status, w.token_pos, w.callback_pos::text, w.extra_data::text,"
          + " w.halt_message, w.halt_action, w.halt_payload::text, w.last_error, w.ended_by,"
          + " w.owner, w.lease_until, w.resume_at, w.stalled_since, w.stalled_task, w.version,"
          + " w.created_at, w.modified_at";

  private static final com.fasterxml.jackson.core.type.TypeReference<List<Integer>> POSITIONS =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};
  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> EXTRA =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  /**
   * The claimed row as Hibernate would have read it (detached, as a read in its own session leaves
   * it), with its object count and small workflows' objects; null when a column does not decode (a
   * row edited by hand): the run then reads the row itself and names what is wrong with it.
   */
  private WorkflowTable.Preloaded claimedRow(UUID id, java.sql.ResultSet r)
      throws java.sql.SQLException {
    WorkflowEntity row = new WorkflowEntity();
    row.id = id;
    try {
      com.fasterxml.jackson.databind.ObjectMapper mapper = store.mapper();
      row.definitionName = r.getString(2);
      row.definitionFingerprint = r.getString(4);
      row.status = dev.flowstate.db.WorkflowStatus.valueOf(r.getString(5));
      row.tokenPos = r.getInt(6);
      row.callbackPos = mapper.readValue(r.getString(7), POSITIONS);
      String extra = r.getString(8);
      row.extraData = extra == null ? null : mapper.readValue(extra, EXTRA);
      row.haltMessage = r.getString(9);
      row.haltAction = r.getString(10);
      String payload = r.getString(11);
      row.haltPayload = payload == null ? null : mapper.readTree(payload);
      row.lastError = r.getString(12);
      String endedBy = r.getString(13);
      row.endedBy = endedBy == null ? null : EndedBy.valueOf(endedBy);
      row.owner = r.getString(14);
      row.leaseUntil = instant(r, 15);
      row.resumeAt = instant(r, 16);
      row.stalledSince = instant(r, 17);
      row.stalledTask = r.getString(18);
      row.version = r.getLong(19);
      row.createdAt = instant(r, 20);
      row.modifiedAt = instant(r, 21);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      return null;
    }
    int count = r.getInt(22); // 0 when there is no object (SQL NULL)
    java.sql.Array array = r.getArray(23);
    String[] data = array == null ? new String[0] : (String[]) array.getArray();
    // positions are unique and not negative: as many as the count means exactly 0..count-1
    boolean complete = count <= WorkflowTable.PRELOADED_OBJECTS && data.length == count;
    return new WorkflowTable.Preloaded(row, count, complete ? data : null);
  }

  private static java.time.Instant instant(java.sql.ResultSet r, int column)
      throws java.sql.SQLException {
    java.time.OffsetDateTime at = r.getObject(column, java.time.OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }

  static void bind(
      PreparedStatement claim,
      String owner,
      int limit,
      java.time.Instant now,
      java.time.Instant until,
      Map<String, String> definitions,
      java.time.Instant stamp)
      throws java.sql.SQLException {
    java.time.OffsetDateTime at = java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
    java.time.OffsetDateTime modified =
        java.time.OffsetDateTime.ofInstant(stamp, java.time.ZoneOffset.UTC);
    int p = 1;
    claim.setObject(p++, at);
    p = bindDefinitions(claim, p, definitions);
    claim.setInt(p++, limit);
    claim.setObject(p++, at);
    claim.setObject(p++, at);
    p = bindDefinitions(claim, p, definitions);
    claim.setInt(p++, limit);
    claim.setInt(p++, limit);
    claim.setObject(p++, modified);
    claim.setString(p++, owner);
    claim.setObject(p++, java.time.OffsetDateTime.ofInstant(until, java.time.ZoneOffset.UTC));
    claim.setObject(p, modified);
  }

  private static int bindDefinitions(
      PreparedStatement statement, int p, Map<String, String> definitions)
      throws java.sql.SQLException {
    for (Map.Entry<String, String> definition : definitions.entrySet()) {
      statement.setString(p++, definition.getKey());
      statement.setString(p++, definition.getValue());
    }
    return p;
  }
}
