package dev.flowstate.db.internal;

import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;

/*
 * PostgreSQL's claim of a worker pool: one statement that locks due and interrupted workflows with
 * FOR UPDATE SKIP LOCKED, names the pool their owner, marks a NEW workflow's first save point, and
 * returns what the runs need (the row as updated, the object count, small workflows' objects'
 * JSON), so no read happens between the claim and the first task.
 */
final class PostgresClaims {

  private final Store store;

  PostgresClaims(Store store) {
    this.store = store;
  }

  List<Claim> claim(
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
    return WorkflowTable.Preloaded.of(row, count, complete ? data : null);
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
