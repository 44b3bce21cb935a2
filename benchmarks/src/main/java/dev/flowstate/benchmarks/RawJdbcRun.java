package dev.flowstate.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.benchmarks.BenchDatabase.Item;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.postgresql.util.PGobject;

/**
 * The baseline of the database benchmarks: the statements and commits the DB engine issues (taken
 * from Hibernate's SQL log, same batches, same sequence fetches), written with plain JDBC around a
 * plain loop over the same ten tasks. What it leaves out is what the library adds: the engine,
 * Hibernate, the connection pool.
 */
final class RawJdbcRun {

  private static final String INSERT_WORKFLOW =
      "insert into fs_workflow (callback_pos,created_at,definition_fingerprint,definition_name,"
          + "extra_data,halt_action,halt_message,halt_payload,last_error,lease_until,modified_at,"
          + "owner,status,token_pos,version,id) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  private static final String COUNT_OBJECTS =
      "select count(oe1_0.id) from fs_object oe1_0 where oe1_0.workflow_id=?";
  private static final String INSERT_OBJECT =
      "insert into fs_object (callback_pos,created_at,data,error_text,extra_data,modified_at,pos,"
          + "source_data,status,version,workflow_id,id) values (?,?,?,?,?,?,?,?,?,?,?,?)";
  private static final String UPDATE_WORKFLOW =
      "update fs_workflow we1_0 set status=?,token_pos=?,callback_pos=?,extra_data=?,"
          + "halt_message=?,halt_action=?,halt_payload=?,last_error=?,modified_at=?,"
          + "version=(we1_0.version+1) where we1_0.id=? and we1_0.version=?";
  private static final String SELECT_OBJECTS =
      "select oe1_0.id,oe1_0.callback_pos,oe1_0.created_at,oe1_0.data,oe1_0.error_text,"
          + "oe1_0.extra_data,oe1_0.modified_at,oe1_0.pos,oe1_0.source_data,oe1_0.status,"
          + "oe1_0.version,oe1_0.workflow_id from fs_object oe1_0 where oe1_0.workflow_id=? and"
          + " oe1_0.pos between ? and ?";
  private static final String UPDATE_OBJECT =
      "update fs_object set callback_pos=?,data=?,error_text=?,extra_data=?,modified_at=?,pos=?,"
          + "status=?,version=?,workflow_id=? where id=? and version=?";
  private static final String INSERT_RUN =
      "insert into fs_object_run (callback_pos,ended_at,message,outcome,pos,started_at,"
          + "workflow_id,id) values (?,?,?,?,?,?,?,?)";
  private static final int BATCH = 50;

  private static final String SELECT_PAGE =
      "select oe1_0.pos,oe1_0.data from fs_object oe1_0 where oe1_0.workflow_id=? and"
          + " oe1_0.pos>=? and oe1_0.pos<? order by oe1_0.pos";

  private final ObjectMapper mapper = new ObjectMapper();
  private final int checkpointEvery;
  private final boolean history;
  private java.util.function.IntFunction<Item> itemAt;
  private UUID id;
  private long version;
  private long runIds;
  private int runIdsLeft;

  RawJdbcRun(int checkpointEvery) {
    this(checkpointEvery, true);
  }

  RawJdbcRun(int checkpointEvery, boolean history) {
    this.checkpointEvery = checkpointEvery;
    this.history = history;
  }

  /**
   * Runs a stored workflow of {@code count} objects from its first object, as the engine does after
   * {@code load} and {@code restart(CURRENT, FIRST)}: pages of 1,000 read and parsed, checkpoint
   * mode only.
   */
  void runStored(Connection c, UUID workflow, long storedVersion, int count) throws Exception {
    id = workflow;
    version = storedVersion;
    runIdsLeft = 0;
    Item[] page = new Item[1000];
    int[] pageStart = {0};
    itemAt = pos -> page[pos - pageStart[0]];
    try (PreparedStatement workflowUpdate = c.prepareStatement(updateWorkflow());
        PreparedStatement select = c.prepareStatement(SELECT_OBJECTS);
        PreparedStatement update = c.prepareStatement(UPDATE_OBJECT);
        PreparedStatement historyInsert = c.prepareStatement(INSERT_RUN);
        PreparedStatement pages = c.prepareStatement(SELECT_PAGE)) {
      commit(c, workflowUpdate, select, update, historyInsert, 0, -1, 0, "RUNNING", 0);
      int pendingFrom = 0;
      for (int start = 0; start < count; start += 1000) {
        pages.setObject(1, uuid(id));
        pages.setInt(2, start);
        pages.setInt(3, start + 1000);
        try (ResultSet r = pages.executeQuery()) {
          while (r.next()) {
            page[r.getInt(1) - start] = mapper.readValue(r.getString(2), Item.class);
          }
        }
        pageStart[0] = start;
        for (int i = start; i < Math.min(count, start + 1000); i++) {
          Item item = page[i - start];
          for (int k = 0; k < 10; k++) {
            item.value = item.value * 31 + k;
          }
          if (i + 1 - pendingFrom >= checkpointEvery && i + 1 < count) {
            commit(
                c, workflowUpdate, select, update, historyInsert, pendingFrom, i, -1, "RUNNING", i);
            pendingFrom = i + 1;
          }
        }
      }
      // the run's end commits what is still pending with it, as the engine does
      commit(
          c,
          workflowUpdate,
          select,
          update,
          historyInsert,
          pendingFrom,
          count - 1,
          -1,
          "COMPLETED",
          count - 1);
    }
  }

  void run(Connection c, List<Item> items) throws Exception {
    itemAt = items::get;
    id = UUID.randomUUID();
    version = 0;
    runIdsLeft = 0;
    OffsetDateTime now = now();
    if (BenchDatabase.mariadb()) {
      insertWorkflowMariaDb(c, now);
    } else {
      insertWorkflowPostgres(c, now);
    }
    try (PreparedStatement ps = c.prepareStatement(COUNT_OBJECTS)) {
      ps.setObject(1, uuid(id));
      try (ResultSet r = ps.executeQuery()) {
        r.next();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT_OBJECT)) {
      long ids = 0;
      for (int i = 0; i < items.size(); i++) {
        if (i % BATCH == 0) {
          ids = nextval(c, "fs_object_seq");
        }
        Object data = json(mapper.writeValueAsString(items.get(i)));
        ps.setObject(1, null);
        ps.setObject(2, time(now));
        ps.setObject(3, data);
        ps.setString(4, null);
        ps.setObject(5, null);
        ps.setObject(6, time(now));
        ps.setInt(7, i);
        ps.setObject(8, data);
        ps.setString(9, "INITIAL");
        ps.setLong(10, 0);
        ps.setObject(11, uuid(id));
        ps.setLong(12, ids + i % BATCH);
        ps.addBatch();
        if ((i + 1) % BATCH == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
    c.commit();

    try (PreparedStatement workflow = c.prepareStatement(updateWorkflow());
        PreparedStatement select = c.prepareStatement(SELECT_OBJECTS);
        PreparedStatement update = c.prepareStatement(UPDATE_OBJECT);
        PreparedStatement historyInsert = c.prepareStatement(INSERT_RUN)) {
      if (checkpointEvery == 1) {
        commit(c, workflow, select, update, historyInsert, 0, -1, 0, "RUNNING", 0);
      }
      int pendingFrom = 0;
      for (int i = 0; i < items.size(); i++) {
        Item item = items.get(i);
        for (int k = 0; k < 10; k++) {
          item.value = item.value * 31 + k;
        }
        if (checkpointEvery == 1) {
          if (i + 1 < items.size()) {
            commit(c, workflow, select, update, historyInsert, i, i, i + 1, "RUNNING", i + 1);
            pendingFrom = i + 1;
          }
        } else if (i + 1 - pendingFrom >= checkpointEvery && i + 1 < items.size()) {
          commit(c, workflow, select, update, historyInsert, pendingFrom, i, -1, "RUNNING", i);
          pendingFrom = i + 1;
        }
      }
      // the run's end commits what is pending with it: the last object in durable mode
      int last = items.size() - 1;
      commit(c, workflow, select, update, historyInsert, pendingFrom, last, -1, "COMPLETED", last);
    }
  }

  /** One commit: the workflow row, objects from..to COMPLETED, object mark RUNNING. */
  private void commit(
      Connection c,
      PreparedStatement workflow,
      PreparedStatement select,
      PreparedStatement update,
      PreparedStatement historyInsert,
      int from,
      int to,
      int mark,
      String status,
      int tokenPos)
      throws Exception {
    OffsetDateTime now = now();
    if (BenchDatabase.mariadb()) {
      bindWorkflowMariaDb(workflow, status, tokenPos, now);
    } else {
      workflow.setString(1, status);
      workflow.setInt(2, tokenPos);
      workflow.setObject(3, json("[0]"));
      for (int p = 4; p <= 8; p++) {
        workflow.setObject(p, null);
      }
      workflow.setObject(9, now);
      workflow.setObject(10, id);
      workflow.setLong(11, version);
    }
    if (workflow.executeUpdate() != 1) {
      throw new IllegalStateException("conflict");
    }
    version++;
    if ((to >= from || mark >= 0) && BenchDatabase.mariadb()) {
      bulkMariaDb(c, from, to, mark, now);
      c.commit();
      return;
    }
    if (to >= from || mark >= 0) {
      bulk(c, from, to, mark, now);
      c.commit();
      return;
    }
    int last = Math.max(to, mark);
    int first = to >= from ? from : mark;
    if (to >= from || mark >= 0) {
      select.setObject(1, uuid(id));
      select.setInt(2, first);
      select.setInt(3, last);
      int queued = 0;
      try (ResultSet r = select.executeQuery()) {
        while (r.next()) {
          int pos = r.getInt(8);
          boolean completed = pos >= from && pos <= to;
          update.setObject(1, null);
          update.setObject(
              2,
              completed
                  ? json(mapper.writeValueAsString(itemAt.apply(pos)))
                  : json(r.getString(4)));
          update.setString(3, null);
          update.setObject(4, null);
          update.setObject(5, time(now));
          update.setInt(6, pos);
          update.setString(7, completed ? "COMPLETED" : "RUNNING");
          update.setLong(8, r.getLong(11) + 1);
          update.setObject(9, uuid(id));
          update.setLong(10, r.getLong(1));
          update.setLong(11, r.getLong(11));
          update.addBatch();
          if (++queued % batch(to - from + 1) == 0) {
            update.executeBatch();
          }
        }
      }
      update.executeBatch();
      for (int pos = from; pos <= to && history; pos++) {
        if (runIdsLeft == 0) {
          runIds = nextval(c, "fs_object_run_seq");
          runIdsLeft = BATCH;
        }
        historyInsert.setObject(1, null);
        historyInsert.setObject(2, time(now));
        historyInsert.setString(3, null);
        historyInsert.setString(4, "COMPLETED");
        historyInsert.setInt(5, pos);
        historyInsert.setObject(6, time(now));
        historyInsert.setObject(7, uuid(id));
        historyInsert.setLong(8, runIds++);
        runIdsLeft--;
        historyInsert.addBatch();
        if ((pos - from + 1) % batch(to - from + 1) == 0) {
          historyInsert.executeBatch();
        }
      }
      historyInsert.executeBatch();
    }
    c.commit();
  }

  private static final String BULK_UPDATE =
      "UPDATE fs_object o SET status = COALESCE(v.status, o.status),"
          + " data = COALESCE(v.data::jsonb, o.data),"
          + " callback_pos = CASE WHEN v.mark THEN o.callback_pos ELSE v.callback_pos::jsonb END,"
          + " error_text = CASE WHEN v.mark THEN o.error_text ELSE v.error_text END,"
          + " modified_at = v.modified_at::timestamptz, version = o.version + 1"
          + " FROM unnest(?::int[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
          + " AS v(pos, mark, status, data, callback_pos, error_text, modified_at)";
  private static final String MARKING =
      ", fs_object old WHERE o.workflow_id = ? AND o.pos = v.pos"
          + " AND old.id = o.id RETURNING v.mark, old.status";
  private static final String NOT_MARKING = " WHERE o.workflow_id = ? AND o.pos = v.pos";
  private static final String BULK_HISTORY =
      "INSERT INTO fs_object_run (id, workflow_id, pos, started_at, ended_at, outcome, callback_pos, message)"
          + " SELECT v.id, ?, v.pos, v.started_at::timestamptz, v.ended_at::timestamptz,"
          + " v.outcome, v.callback_pos::jsonb, v.message"
          + " FROM unnest(?::int8[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
          + " AS v(id, pos, started_at, ended_at, outcome, callback_pos, message)";

  /** The DB engine's PostgreSQL checkpoint: one UPDATE and one INSERT for all the objects. */
  private void bulk(Connection c, int from, int to, int mark, OffsetDateTime now) throws Exception {
    int ended = Math.max(0, to - from + 1);
    int rows = ended + (mark >= 0 ? 1 : 0);
    Integer[] pos = new Integer[rows];
    Boolean[] marks = new Boolean[rows];
    String[] status = new String[rows];
    String[] data = new String[rows];
    String[] nulls = new String[rows];
    String[] time = new String[rows];
    String at = now.toInstant().toString();
    for (int i = 0; i < ended; i++) {
      pos[i] = from + i;
      marks[i] = false;
      status[i] = "COMPLETED";
      data[i] = mapper.writeValueAsString(itemAt.apply(from + i));
      time[i] = at;
    }
    if (mark >= 0) {
      pos[ended] = mark;
      marks[ended] = true;
      status[ended] = "RUNNING";
      time[ended] = at;
    }
    try (PreparedStatement update =
        c.prepareStatement(BULK_UPDATE + (mark >= 0 ? MARKING : NOT_MARKING))) {
      update.setArray(1, c.createArrayOf("int4", pos));
      update.setArray(2, c.createArrayOf("bool", marks));
      update.setArray(3, c.createArrayOf("text", status));
      update.setArray(4, c.createArrayOf("text", data));
      update.setArray(5, c.createArrayOf("text", nulls));
      update.setArray(6, c.createArrayOf("text", nulls));
      update.setArray(7, c.createArrayOf("text", time));
      update.setObject(8, id);
      if (mark < 0) {
        update.executeUpdate();
      } else {
        try (ResultSet returned = update.executeQuery()) {
          while (returned.next()) {
            returned.getString(2);
          }
        }
      }
    }
    if (!history || ended == 0) {
      return;
    }
    int n = ended;
    Long[] ids = new Long[n];
    String[] outcome = new String[n];
    for (int i = 0; i < n; i++) {
      if (runIdsLeft == 0) {
        runIds = nextval(c, "fs_object_run_seq");
        runIdsLeft = BATCH;
      }
      ids[i] = runIds++;
      runIdsLeft--;
      outcome[i] = "COMPLETED";
    }
    try (PreparedStatement insert = c.prepareStatement(BULK_HISTORY)) {
      insert.setObject(1, id);
      insert.setArray(2, c.createArrayOf("int8", ids));
      insert.setArray(3, c.createArrayOf("int4", java.util.Arrays.copyOf(pos, n)));
      String[] times = java.util.Arrays.copyOf(time, n);
      String[] none = new String[n];
      insert.setArray(4, c.createArrayOf("text", times));
      insert.setArray(5, c.createArrayOf("text", times));
      insert.setArray(6, c.createArrayOf("text", outcome));
      insert.setArray(7, c.createArrayOf("text", none));
      insert.setArray(8, c.createArrayOf("text", none));
      insert.executeUpdate();
    }
  }

  /**
   * The DB engine's MariaDB save point: the marked object's status read, the objects in one UPDATE
   * joined to a derived table of their values, the history rows in one multi-row INSERT.
   */
  private void bulkMariaDb(Connection c, int from, int to, int mark, OffsetDateTime now)
      throws Exception {
    if (mark >= 0) {
      try (PreparedStatement select =
          c.prepareStatement(
              "SELECT status FROM fs_object WHERE workflow_id = ? AND pos = ? FOR UPDATE")) {
        select.setString(1, id.toString());
        select.setInt(2, mark);
        try (ResultSet r = select.executeQuery()) {
          r.next();
        }
      }
    }
    int ended = Math.max(0, to - from + 1);
    int rows = ended + (mark >= 0 ? 1 : 0);
    StringBuilder sql = new StringBuilder("UPDATE fs_object o JOIN (");
    for (int i = 0; i < rows; i++) {
      sql.append(
          i == 0
              ? "SELECT ? AS pos, ? AS mark, ? AS status, ? AS data, ? AS callback_pos,"
                  + " ? AS error_text, ? AS modified_at"
              : " UNION ALL SELECT ?, ?, ?, ?, ?, ?, ?");
    }
    sql.append(
        ") v ON o.workflow_id = ? AND o.pos = v.pos SET o.status = COALESCE(v.status, o.status),"
            + " o.data = COALESCE(v.data, o.data),"
            + " o.callback_pos = IF(v.mark, o.callback_pos, v.callback_pos),"
            + " o.error_text = IF(v.mark, o.error_text, v.error_text),"
            + " o.modified_at = v.modified_at, o.version = o.version + 1");
    Object at = time(now);
    try (PreparedStatement update = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (int i = 0; i < rows; i++) {
        boolean marking = i == ended;
        update.setInt(p++, marking ? mark : from + i);
        update.setBoolean(p++, marking);
        update.setString(p++, marking ? "RUNNING" : "COMPLETED");
        update.setString(p++, marking ? null : mapper.writeValueAsString(itemAt.apply(from + i)));
        update.setString(p++, null);
        update.setString(p++, null);
        update.setObject(p++, at);
      }
      update.setString(p, id.toString());
      update.executeUpdate();
    }
    if (!history || ended == 0) {
      return;
    }
    StringBuilder insert =
        new StringBuilder(
            "INSERT INTO fs_object_run (id, workflow_id, pos, started_at, ended_at, outcome,"
                + " callback_pos, message) VALUES ");
    for (int i = 0; i < ended; i++) {
      insert.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)");
    }
    try (PreparedStatement ps = c.prepareStatement(insert.toString())) {
      int p = 1;
      for (int i = 0; i < ended; i++) {
        if (runIdsLeft == 0) {
          runIds = nextval(c, "fs_object_run_seq");
          runIdsLeft = BATCH;
        }
        ps.setLong(p++, runIds++);
        runIdsLeft--;
        ps.setString(p++, id.toString());
        ps.setInt(p++, from + i);
        ps.setObject(p++, at);
        ps.setObject(p++, at);
        ps.setString(p++, "COMPLETED");
        ps.setString(p++, null);
        ps.setString(p++, null);
      }
      ps.executeUpdate();
    }
  }

  /** Hibernate's batch size: 50, raised to the row count (at most 1,000) for a checkpoint. */
  private static int batch(int rows) {
    return rows > BATCH ? Math.min(rows, 1000) : BATCH;
  }

  private static long nextval(Connection c, String sequence) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                BenchDatabase.mariadb()
                    ? "select next value for " + sequence
                    : "select nextval('" + sequence + "')");
        ResultSet r = ps.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  /** On MariaDB, JSON is text; instants are UTC wall-clock times; ids are text. */
  private static Object json(String value) throws SQLException {
    if (BenchDatabase.mariadb()) {
      return value;
    }
    PGobject json = new PGobject();
    json.setType("jsonb");
    json.setValue(value);
    return json;
  }

  private static Object time(OffsetDateTime at) {
    return BenchDatabase.mariadb() ? at.toLocalDateTime() : at;
  }

  private static Object uuid(UUID id) {
    return BenchDatabase.mariadb() ? id.toString() : id;
  }

  /* MariaDB: the statements Hibernate sends there (from the server's general log), fence included. */
  private static final String INSERT_WORKFLOW_MARIADB =
      "insert into fs_workflow (callback_pos,created_at,definition_fingerprint,definition_name,"
          + "ended_by,extra_data,halt_action,halt_message,halt_payload,last_error,lease_until,"
          + "modified_at,owner,resume_at,stalled_since,stalled_task,status,token_pos,version,id)"
          + " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  private static final String UPDATE_WORKFLOW_MARIADB =
      "update fs_workflow we1_0 set status=?,ended_by=?,token_pos=?,callback_pos=?,extra_data=?,"
          + "halt_message=?,halt_action=?,halt_payload=?,last_error=?,modified_at=?,owner=?,"
          + "lease_until=?,resume_at=?,stalled_since=?,stalled_task=?,"
          + "version=(we1_0.version+1) where we1_0.id=? and we1_0.version=? and (we1_0.owner is"
          + " null or we1_0.owner=? or we1_0.lease_until is null or we1_0.lease_until<?)";
  private static final String OWNER = "bench:1:raw#1";

  private static String updateWorkflow() {
    return BenchDatabase.mariadb() ? UPDATE_WORKFLOW_MARIADB : UPDATE_WORKFLOW;
  }

  private void insertWorkflowPostgres(Connection c, OffsetDateTime now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_WORKFLOW)) {
      ps.setObject(1, json("[-1]"));
      ps.setObject(2, time(now));
      ps.setString(3, "0123456789abcdef0123456789abcdef");
      ps.setString(4, "bench");
      for (int p : new int[] {5, 6, 7, 8, 9, 10, 12}) {
        ps.setObject(p, null);
      }
      ps.setObject(11, time(now));
      ps.setString(13, "RUNNING");
      ps.setInt(14, -1);
      ps.setLong(15, 0);
      ps.setObject(16, uuid(id));
      ps.executeUpdate();
    }
  }

  private void insertWorkflowMariaDb(Connection c, OffsetDateTime now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_WORKFLOW_MARIADB)) {
      for (int p = 1; p <= 20; p++) {
        ps.setObject(p, null);
      }
      ps.setString(1, "[-1]");
      ps.setObject(2, time(now));
      ps.setString(3, "0123456789abcdef0123456789abcdef");
      ps.setString(4, "bench");
      ps.setObject(12, time(now));
      ps.setString(17, "NEW");
      ps.setInt(18, -1);
      ps.setLong(19, 0);
      ps.setString(20, id.toString());
      ps.executeUpdate();
    }
  }

  private void bindWorkflowMariaDb(
      PreparedStatement workflow, String status, int tokenPos, OffsetDateTime now)
      throws SQLException {
    for (int p = 1; p <= 19; p++) {
      workflow.setObject(p, null);
    }
    boolean running = status.equals("RUNNING");
    workflow.setString(1, status);
    workflow.setInt(3, tokenPos);
    workflow.setString(4, "[0]");
    workflow.setObject(10, time(now));
    workflow.setString(11, running ? OWNER : null);
    workflow.setObject(12, running ? time(now.plusSeconds(30)) : null);
    workflow.setString(16, id.toString());
    workflow.setLong(17, version);
    workflow.setString(18, OWNER);
    workflow.setObject(19, time(now));
  }
}
