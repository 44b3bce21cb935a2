package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.StoreException;
import dev.flowstate.migrations.Columns;
import jakarta.persistence.EntityManager;
import java.sql.Array;
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
    // the last end of each object wins (a backward jump can end one object twice)
    Map<Integer, ObjectEnd> last = new HashMap<>();
    for (ObjectEnd e : pending) {
      last.put(e.pos(), e);
    }
    int n = last.size() + (markRunning >= 0 ? 1 : 0);
    if (n == 0) {
      return null;
    }
    Boolean[] mark = new Boolean[n];
    Integer[] pos = new Integer[n];
    String[] status = new String[n];
    String[] data = new String[n];
    String[] callbackPos = new String[n];
    String[] errorText = new String[n];
    String[] modifiedAt = new String[n];
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
    ObjectStatus[] before = new ObjectStatus[1];
    Session session = em.unwrap(Session.class);
    Object[][] runs = history && !pending.isEmpty() ? runs(em, pending) : null;
    session.doWork(
        connection -> {
          // the self-join reads the status the marked object had before; without a mark the
          // plain form spares a thousand index lookups
          boolean marking = markRunning >= 0;
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE "
                      + store.table("fs_object")
                      + " o SET"
                      + " status = COALESCE(v.status, o.status),"
                      + " data = COALESCE(v.data::jsonb, o.data),"
                      + " callback_pos = CASE WHEN v.mark THEN o.callback_pos"
                      + " ELSE v.callback_pos::jsonb END,"
                      + " error_text = CASE WHEN v.mark THEN o.error_text ELSE v.error_text END,"
                      + " modified_at = v.modified_at::timestamptz, version = o.version + 1"
                      + " FROM unnest(?::int[], ?::boolean[], ?::text[], ?::text[], ?::text[],"
                      + " ?::text[], ?::text[])"
                      + " AS v(pos, mark, status, data, callback_pos, error_text, modified_at)"
                      + (marking ? ", " + store.table("fs_object") + " old" : "")
                      + " WHERE o.workflow_id = ? AND o.pos = v.pos"
                      + (marking ? " AND old.id = o.id RETURNING v.mark, old.status" : ""))) {
            update.setArray(1, connection.createArrayOf("int4", pos));
            update.setArray(2, connection.createArrayOf("bool", mark));
            update.setArray(3, connection.createArrayOf("text", status));
            update.setArray(4, connection.createArrayOf("text", data));
            update.setArray(5, connection.createArrayOf("text", callbackPos));
            update.setArray(6, connection.createArrayOf("text", errorText));
            update.setArray(7, connection.createArrayOf("text", modifiedAt));
            update.setObject(8, id);
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
            if (updated != n) {
              throw new StoreException(
                  "workflow "
                      + id
                      + " has no stored object at some of the positions "
                      + java.util.Arrays.toString(pos)
                      + "; were the objects replaced by a"
                      + " longer list in restart(...)?");
            }
          }
          if (runs != null) {
            try (PreparedStatement insert =
                connection.prepareStatement(
                    "INSERT INTO "
                        + store.table("fs_object_run")
                        + " (id, workflow_id, pos, started_at, ended_at, outcome, callback_pos, message)"
                        + " SELECT v.id, ?, v.pos, v.started_at::timestamptz, v.ended_at::timestamptz,"
                        + " v.outcome, v.callback_pos::jsonb, v.message"
                        + " FROM unnest(?::int8[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
                        + " AS v(id, pos, started_at, ended_at, outcome, callback_pos, message)")) {
              insert.setObject(1, id);
              for (int column = 0; column < runs.length; column++) {
                Array array =
                    connection.createArrayOf(
                        column == 0 ? "int8" : column == 1 ? "int4" : "text", runs[column]);
                insert.setArray(column + 2, array);
              }
              insert.executeUpdate();
            }
          }
        });
    return before[0];
  }

  /** History columns, one array each: id, pos, started, ended, outcome, callbackPos, message. */
  private static Object[][] runs(EntityManager em, List<ObjectEnd> pending) {
    SessionImplementor session = em.unwrap(SessionImplementor.class);
    BeforeExecutionGenerator ids =
        (BeforeExecutionGenerator)
            session
                .getFactory()
                .getMappingMetamodel()
                .getEntityDescriptor(ObjectRunEntity.class)
                .getGenerator();
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
                  connection.prepareStatement(claimSql(definitions.size()))) {
                bind(claim, owner, limit, now, until, definitions, stamp);
                try (java.sql.ResultSet rows = claim.executeQuery()) {
                  while (rows.next()) {
                    claimed.add(
                        new Claim(
                            rows.getObject(1, UUID.class), rows.getString(2), rows.getBoolean(3)));
                  }
                }
              }
            });
    return claimed;
  }

  /** The claim's plan as EXPLAIN ANALYZE prints it (the claim runs: roll the transaction back). */
  String explainClaim(
      EntityManager em,
      String owner,
      int limit,
      java.time.Instant now,
      java.time.Instant until,
      Map<String, String> definitions) {
    StringBuilder plan = new StringBuilder();
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              try (PreparedStatement explain =
                  connection.prepareStatement(
                      "EXPLAIN (ANALYZE, BUFFERS) " + claimSql(definitions.size()))) {
                bind(explain, owner, limit, now, until, definitions, now);
                try (java.sql.ResultSet rows = explain.executeQuery()) {
                  while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                  }
                }
              }
            });
    return plan.toString();
  }

  private String claimSql(int definitions) {
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
        + " o SET status = 'RUNNING', modified_at = ?, version = o.version + 1 FROM chosen"
        + " WHERE chosen.s = 'NEW' AND chosen.p = -1 AND o.workflow_id = chosen.id AND o.pos = 0"
        + " AND o.status = 'INITIAL' RETURNING o.workflow_id)"
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
        + " FROM chosen WHERE w.id = chosen.id"
        + " RETURNING w.id, w.definition_name, w.id IN (SELECT workflow_id FROM started)";
  }

  private static void bind(
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
