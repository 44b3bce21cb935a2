package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.migrations.Columns;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.generator.BeforeExecutionGenerator;
import org.hibernate.generator.EventType;

/*
 * MariaDB and MySQL. A worker pool's claim locks its rows with SELECT ... FOR UPDATE SKIP LOCKED
 * (MariaDB 10.6, MySQL 8.0), so two pools never wait for each other or for a row someone holds;
 * the chosen rows are then taken in one UPDATE. The standard claim (a conditional update
 * per candidate) is correct there too, but every pool reads the same oldest candidates and all but
 * one lose each race, so more pools claimed fewer rows each.
 *
 * A save point's objects go out set-based, as on PostgreSQL (see writeObjects).
 *
 * Instants are bound as UTC wall-clock times: TIMESTAMP columns follow the session's time zone,
 * which flowstate keeps at UTC on every connection (Connections.requireUtcSession).
 */
final class MySqlDialect implements Dialect {

  private final Store store;
  private final StandardDialect rows = new StandardDialect();

  MySqlDialect(Store store) {
    this.store = store;
  }

  /*
   * The objects of a commit in one UPDATE joined to their new values (a derived table of one row
   * per object), the marked object's status read before it, and the history rows in one multi-row
   * INSERT: a checkpoint's thousand objects are three statements instead of a select and a
   * thousand updates. The update count is the rows found (both drivers' default, and every row
   * changes its version anyway), so a missing object is noticed as on the other databases.
   */
  @Override
  public ObjectStatus writeObjects(
      EntityManager em,
      UUID id,
      List<ObjectEnd> pending,
      boolean history,
      int markRunning,
      Instant now) {
    ObjectRows rows = new ObjectRows(pending, markRunning, now);
    if (rows.n == 0) {
      return null;
    }
    if (rows.markEnded) { // one row would get two sets of values: entity updates, in order
      return this.rows.writeObjects(em, id, pending, history, markRunning, now);
    }
    SessionImplementor session = em.unwrap(SessionImplementor.class);
    long[] runIds = history && !pending.isEmpty() ? runIds(session, pending.size()) : null;
    return session.doReturningWork(
        connection -> {
          ObjectStatus before = markRunning >= 0 ? status(connection, id, markRunning) : null;
          for (int from = 0; from < rows.n; from += MAX_ROWS) {
            update(connection, id, rows, from, Math.min(rows.n, from + MAX_ROWS));
          }
          if (runIds != null) {
            for (int from = 0; from < pending.size(); from += MAX_ROWS) {
              insertRuns(
                  connection, id, pending, runIds, from, Math.min(pending.size(), from + MAX_ROWS));
            }
          }
          return before;
        });
  }

  /** Rows per statement: 1,000 rows of 7 values stay far below the 65,535 parameters allowed. */
  private static final int MAX_ROWS = 1_000;

  private ObjectStatus status(Connection connection, UUID id, int pos) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT status FROM "
                + store.table("fs_object")
                + " WHERE workflow_id = ? AND pos = ? FOR UPDATE")) {
      select.setString(1, id.toString());
      select.setInt(2, pos);
      try (ResultSet r = select.executeQuery()) {
        if (!r.next()) {
          throw ObjectRows.missing(id, new Integer[] {pos});
        }
        return ObjectStatus.valueOf(r.getString(1));
      }
    }
  }

  private void update(Connection connection, UUID id, ObjectRows rows, int from, int to)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("UPDATE ").append(store.table("fs_object")).append(" o JOIN (");
    for (int i = from; i < to; i++) {
      sql.append(
          i == from
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
    try (PreparedStatement update = connection.prepareStatement(sql.toString())) {
      int p = 1;
      for (int i = from; i < to; i++) {
        update.setInt(p++, rows.pos[i]);
        update.setBoolean(p++, rows.mark[i]);
        update.setString(p++, rows.status[i]);
        update.setString(p++, rows.data[i]);
        update.setString(p++, rows.callbackPos[i]);
        update.setString(p++, rows.errorText[i]);
        update.setObject(p++, utc(rows.modified[i]));
      }
      update.setString(p, id.toString());
      if (update.executeUpdate() != to - from) {
        throw ObjectRows.missing(id, java.util.Arrays.copyOfRange(rows.pos, from, to));
      }
    }
  }

  private void insertRuns(
      Connection connection, UUID id, List<ObjectEnd> pending, long[] ids, int from, int to)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(store.table("fs_object_run"))
            .append(
                " (id, workflow_id, pos, started_at, ended_at, outcome, callback_pos, message)"
                    + " VALUES ");
    for (int i = from; i < to; i++) {
      sql.append(i == from ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)");
    }
    try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
      int p = 1;
      String workflow = id.toString();
      for (int i = from; i < to; i++) {
        ObjectEnd e = pending.get(i);
        insert.setLong(p++, ids[i]);
        insert.setString(p++, workflow);
        insert.setInt(p++, e.pos());
        insert.setObject(p++, utc(e.startedAt() != null ? e.startedAt() : e.endedAt()));
        insert.setObject(p++, utc(e.endedAt()));
        insert.setString(p++, e.outcome());
        insert.setString(p++, ObjectRows.json(e.callbackPos()));
        insert.setString(p++, Columns.cut(e.errorText(), Columns.RUN_MESSAGE));
      }
      insert.executeUpdate();
    }
  }

  /** History ids from Hibernate's own pooled generator, so they never collide with its rows. */
  private static long[] runIds(SessionImplementor session, int n) {
    BeforeExecutionGenerator generator = Store.idGenerator(session, ObjectRunEntity.class);
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = (Long) generator.generate(session, null, null, EventType.INSERT);
    }
    return ids;
  }

  @Override
  public List<Claim> claim(
      EntityManager em,
      String owner,
      int limit,
      Instant now,
      Instant until,
      Map<String, String> definitions,
      Instant stamp) {
    return em.unwrap(Session.class)
        .doReturningWork(
            connection -> {
              List<Claim> chosen = new ArrayList<>(limit);
              // interrupted runs first (RUNNING, no live owner), then due ones oldest first
              lock(connection, false, now, limit, definitions, chosen);
              if (chosen.size() < limit) {
                lock(connection, true, now, limit, definitions, chosen);
              }
              if (!chosen.isEmpty()) {
                take(connection, chosen, owner, until);
              }
              return chosen;
            });
  }

  /*
   * Candidates are read first without locks (the transaction's fresh snapshot), then locked by
   * their primary key with SKIP LOCKED and the conditions checked again on the latest rows. A
   * locking read that walked the status or resume_at index instead would, under REPEATABLE READ
   * (the family's default, which flowstate leaves alone), also lock the gaps between the entries
   * it passed until the claim commits; a submit inserting into such a gap and the claim's UPDATE
   * moving the same rows' index entries deadlocked in the worker cluster test. Equality lookups
   * by primary key lock the rows found and no gaps. Twice the batch is read, so that rows another
   * pool is claiming at the same moment (skipped) still leave enough to take.
   */
  private void lock(
      Connection connection,
      boolean due,
      Instant now,
      int limit,
      Map<String, String> definitions,
      List<Claim> chosen)
      throws SQLException {
    int wanted = limit - chosen.size();
    List<String> candidates = new ArrayList<>(2 * wanted);
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id FROM "
                + store.table("fs_workflow")
                + where(due, definitions.size())
                + " LIMIT ?")) {
      int p = bindWhere(select, 1, due, now, definitions);
      select.setInt(p, 2 * wanted);
      try (ResultSet r = select.executeQuery()) {
        while (r.next()) {
          candidates.add(r.getString(1));
        }
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < candidates.size(); i++) {
      ids.append(i == 0 ? "?" : ", ?");
    }
    String where = where(due, definitions.size());
    try (PreparedStatement lock =
        connection.prepareStatement(
            "SELECT id, definition_name FROM "
                + store.table("fs_workflow")
                + " FORCE INDEX (PRIMARY)"
                + where.replace(" WHERE ", " WHERE id IN (" + ids + ") AND ")
                + " LIMIT ? FOR UPDATE SKIP LOCKED")) {
      int p = 1;
      for (String id : candidates) {
        lock.setString(p++, id);
      }
      p = bindWhere(lock, p, due, now, definitions);
      lock.setInt(p, wanted);
      try (ResultSet r = lock.executeQuery()) {
        while (r.next()) {
          chosen.add(new Claim(UUID.fromString(r.getString(1)), r.getString(2)));
        }
      }
    }
  }

  private static int bindWhere(
      PreparedStatement statement, int p, boolean due, Instant now, Map<String, String> definitions)
      throws SQLException {
    if (due) {
      statement.setObject(p++, utc(now));
    }
    statement.setObject(p++, utc(now));
    for (Map.Entry<String, String> definition : definitions.entrySet()) {
      statement.setString(p++, definition.getKey());
      statement.setString(p++, definition.getValue());
    }
    return p;
  }

  /** The locked rows name {@code owner} under a new lease; their version moves on (the fence). */
  private void take(Connection connection, List<Claim> chosen, String owner, Instant until)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("UPDATE ")
            .append(store.table("fs_workflow"))
            .append(" SET owner = ?, lease_until = ?, version = version + 1 WHERE id IN (");
    for (int i = 0; i < chosen.size(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    try (PreparedStatement update = connection.prepareStatement(sql.append(')').toString())) {
      update.setString(1, owner);
      update.setObject(2, utc(until));
      int p = 3;
      for (Claim claim : chosen) {
        update.setString(p++, claim.id().toString());
      }
      int taken = update.executeUpdate();
      if (taken != chosen.size()) {
        // the rows are locked by this transaction: nobody can have taken or removed them
        throw new SQLException(
            "claimed " + chosen.size() + " locked workflows but updated " + taken);
      }
    }
  }

  /** The claimable rows: interrupted runs, or (when {@code due}) due ones, in claim order. */
  private static String where(boolean due, int definitions) {
    StringBuilder sql =
        new StringBuilder(
                due ? " WHERE resume_at <= ? AND status <> 'RUNNING'" : " WHERE status = 'RUNNING'")
            .append(" AND (owner IS NULL OR lease_until IS NULL OR lease_until < ?)")
            .append(" AND (definition_name, definition_fingerprint) IN (");
    for (int i = 0; i < definitions; i++) {
      sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
    }
    return sql.append(due ? ") ORDER BY resume_at" : ") ORDER BY lease_until").toString();
  }

  private static LocalDateTime utc(Instant at) {
    // TIMESTAMP(6) holds microseconds; a finer value would be rounded by the server
    return LocalDateTime.ofInstant(at, ZoneOffset.UTC)
        .truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }
}
