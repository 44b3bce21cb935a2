package dev.flowstate.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flowstate.dashboard.Dashboard;
import dev.flowstate.db.Flowstate;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 24: a page of the dashboard's workflow list over 1,000,000 stored workflows, through the
 * whole HTTP API ({@code api}: request, the read side's two statements, JSON), beside the same two
 * statements in plain JDBC ({@code sql}: the page, then its workflows' object counts), on one
 * connection pool, in one run. The data (one object per workflow; 90 % COMPLETED, 3 % HALTED, 2 %
 * ERROR, 5 % NEW; five definitions; one created per second) is written once into a schema of its
 * own and kept for later runs. PostgreSQL.
 *
 * <ul>
 *   <li>{@code first}: the newest 50
 *   <li>{@code deep}: 50 after a cursor 600,000 rows down (three fifths of the workflows)
 *   <li>{@code halted}: status=HALTED
 *   <li>{@code definition}: one of the five definitions
 *   <li>{@code text}: a text in halt messages that 4 workflows match: the walk reads every workflow
 *       with a halt message or an error (50,000), by PostgreSQL's partial index of them
 *   <li>{@code overview}: the overview as a page refreshes it (counts by label but Completed,
 *       objects per minute, pools)
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DashboardListBenchmark {

  static final String SCHEMA = "fs_bench_dash";

  /** A million; fewer with {@code -Ddashboard.workflows=n} (the benchmarks' smoke test). */
  static final int WORKFLOWS = Integer.getInteger("dashboard.workflows", 1_000_000);

  static final int PAGE = 50;

  static final String COLUMNS =
      "id, definition_name, definition_fingerprint, status, token_pos, callback_pos, extra_data,"
          + " halt_message, halt_action, halt_payload, last_error, ended_by, owner, lease_until,"
          + " resume_at, stalled_since, created_at, modified_at, CURRENT_TIMESTAMP AS read_at";

  @Param({"first", "deep", "halted", "definition", "text", "overview"})
  public String page;

  HikariDataSource pool;
  Dashboard dashboard;
  HttpClient http;
  URI uri;

  /** The deep page's cursor: the created time and id of the row three fifths down. */
  Instant deepTime;

  UUID deepId;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    if (BenchDatabase.mariadb()) {
      throw new IllegalStateException("DashboardListBenchmark runs on PostgreSQL");
    }
    Flowstate.builder().jdbcUrl(BenchDatabase.url()).schema(SCHEMA).build().close(); // migrate
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(BenchDatabase.url());
    config.setMaximumPoolSize(4);
    pool = new HikariDataSource(config);
    fill();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT created_at, id FROM "
                    + SCHEMA
                    + ".fs_workflow ORDER BY created_at DESC, id DESC OFFSET "
                    + WORKFLOWS * 3 / 5
                    + " LIMIT 1")) {
      r.next();
      deepTime = r.getTimestamp(1).toInstant();
      deepId = (UUID) r.getObject(2);
    }
    dashboard = Dashboard.builder(pool).schema(SCHEMA).port(0).start();
    http = HttpClient.newHttpClient();
    uri = dashboard.url().resolve(path());
  }

  /** The million workflows, unless a run before left them. */
  void fill() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + ".fs_workflow")) {
        r.next();
        if (r.getLong(1) == WORKFLOWS) {
          return;
        }
      }
      s.execute("TRUNCATE " + SCHEMA + ".fs_workflow CASCADE");
      String status =
          "CASE WHEN g % 100 < 3 THEN 'HALTED' WHEN g % 100 < 5 THEN 'ERROR'"
              + " WHEN g % 100 < 10 THEN 'NEW' ELSE 'COMPLETED' END";
      s.execute(
          "INSERT INTO "
              + SCHEMA
              + ".fs_workflow (id, definition_name, definition_fingerprint, status, token_pos,"
              + " callback_pos, halt_message, last_error, ended_by, version, created_at,"
              + " modified_at) SELECT md5(g::text)::uuid, 'definition-' || (g % 5), 'f', "
              + status
              + ", 0, '[0]'::jsonb, CASE WHEN g % 100 < 3 THEN 'Payment declined for customer '"
              + " || g END, CASE WHEN g % 100 IN (3, 4) THEN 'import failed at line ' || g END,"
              + " CASE WHEN g % 100 < 3 THEN 'HALT' WHEN g % 100 < 5 THEN 'ERROR' END, 1,"
              + " now() - ("
              + WORKFLOWS
              + " - g) * interval '1 second', now() - ("
              + WORKFLOWS
              + " - g) * interval '1 second' FROM generate_series(1, "
              + WORKFLOWS
              + ") g");
      s.execute(
          "INSERT INTO "
              + SCHEMA
              + ".fs_object (id, workflow_id, pos, status, data, version, created_at, modified_at)"
              + " SELECT g, md5(g::text)::uuid, 0, CASE WHEN g % 100 < 3 THEN 'HALTED'"
              + " WHEN g % 100 < 5 THEN 'ERROR' WHEN g % 100 < 10 THEN 'INITIAL'"
              + " ELSE 'COMPLETED' END, '{\"name\": \"item\", \"value\": 1}'::jsonb, 1, now(),"
              + " now() FROM generate_series(1, "
              + WORKFLOWS
              + ") g");
      s.execute("VACUUM ANALYZE " + SCHEMA + ".fs_workflow");
      s.execute("VACUUM ANALYZE " + SCHEMA + ".fs_object");
    }
  }

  String path() {
    return switch (page) {
      case "first" -> "/api/workflows?limit=" + PAGE;
      case "deep" -> "/api/workflows?limit=" + PAGE + "&cursor=" + cursor();
      case "halted" -> "/api/workflows?limit=" + PAGE + "&status=HALTED";
      case "definition" -> "/api/workflows?limit=" + PAGE + "&definition=definition-3";
      case "text" ->
          "/api/workflows?limit="
              + PAGE
              + "&text="
              + URLEncoder.encode("customer 50000", StandardCharsets.UTF_8);
      case "overview" -> "/api/overview?hours=3";
      default -> throw new IllegalArgumentException(page);
    };
  }

  /** The cursor format of WorkflowQuery.cursorAfter. */
  String cursor() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((deepTime + "_" + deepId).getBytes(StandardCharsets.UTF_8));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    dashboard.close();
    pool.close();
  }

  @Benchmark
  public int api() throws Exception {
    HttpResponse<byte[]> response =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(new String(response.body(), StandardCharsets.UTF_8));
    }
    return response.body().length;
  }

  /** The statements the read side issues for the page, in plain JDBC, each column read. */
  @Benchmark
  public int sql() throws SQLException {
    try (Connection c = pool.getConnection()) {
      if (page.equals("overview")) {
        return overview(c);
      }
      StringBuilder sql =
          new StringBuilder("SELECT " + COLUMNS + " FROM " + SCHEMA + ".fs_workflow WHERE 1 = 1");
      List<Object> params = new ArrayList<>();
      switch (page) {
        case "halted" -> {
          sql.append(" AND status = ?");
          params.add("HALTED");
        }
        case "definition" -> {
          sql.append(" AND definition_name = ?");
          params.add("definition-3");
        }
        case "text" -> {
          sql.append(" AND (halt_message IS NOT NULL OR last_error IS NOT NULL)")
              .append(
                  " AND (LOWER(halt_message) LIKE ? ESCAPE '!' OR LOWER(last_error) LIKE ? ESCAPE"
                      + " '!')");
          params.add("%customer 50000%");
          params.add("%customer 50000%");
        }
        case "deep" -> {
          sql.append(" AND created_at <= ? AND (created_at < ? OR id < ?)");
          params.add(Timestamp.from(deepTime));
          params.add(Timestamp.from(deepTime));
          params.add(deepId);
        }
        default -> {}
      }
      sql.append(" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?");
      params.add(PAGE);
      params.add(0);
      List<Object> ids = new ArrayList<>(PAGE);
      int read = 0;
      try (PreparedStatement p = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < params.size(); i++) {
          p.setObject(i + 1, params.get(i));
        }
        try (ResultSet r = p.executeQuery()) {
          int columns = r.getMetaData().getColumnCount();
          while (r.next()) {
            ids.add(r.getObject(1));
            for (int i = 1; i <= columns; i++) {
              Object value = r.getObject(i);
              read += value == null ? 0 : 1;
            }
          }
        }
      }
      if (ids.isEmpty()) {
        return read;
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT workflow_id, status, COUNT(*) FROM "
                  + SCHEMA
                  + ".fs_object WHERE workflow_id IN ("
                  + "?, ".repeat(ids.size() - 1)
                  + "?) GROUP BY workflow_id, status")) {
        for (int i = 0; i < ids.size(); i++) {
          p.setObject(i + 1, ids.get(i));
        }
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            read += r.getInt(3);
          }
        }
      }
      return read;
    }
  }

  /**
   * The overview's statements on a refresh: counts by label but Completed, objects per minute,
   * pools, version, time. (The dashboard counts COMPLETED, the whole table, once a minute: not
   * within a measurement, which starts with a fresh count made during the warm-up.)
   */
  private static int overview(Connection c) throws SQLException {
    int read = 0;
    for (String sql :
        List.of(
            "SELECT CURRENT_TIMESTAMP",
            "SELECT d, s, COUNT(*) FROM (SELECT definition_name AS d, CASE WHEN status = 'RUNNING'"
                + " AND (lease_until IS NULL OR lease_until < CURRENT_TIMESTAMP) THEN 'Interrupted'"
                + " WHEN status = 'RUNNING' AND stalled_since IS NOT NULL THEN 'Stalled'"
                + " ELSE status END AS s FROM "
                + SCHEMA
                + ".fs_workflow WHERE status <> 'COMPLETED') t GROUP BY d, s",
            "SELECT m, outcome, COUNT(*) FROM (SELECT FLOOR(EXTRACT(EPOCH FROM ended_at) / 60) AS m,"
                + " outcome FROM "
                + SCHEMA
                + ".fs_object_run WHERE ended_at >= CURRENT_TIMESTAMP - interval '3 hours'"
                + " AND outcome IN ('COMPLETED', 'ERROR')) t GROUP BY m, outcome",
            "SELECT * FROM " + SCHEMA + ".fs_worker_status",
            "SELECT \"version\" FROM "
                + SCHEMA
                + ".\"fs_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL"
                + " ORDER BY \"installed_rank\" DESC LIMIT 1")) {
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery(sql)) {
        while (r.next()) {
          read++;
        }
      }
    }
    return read;
  }
}
