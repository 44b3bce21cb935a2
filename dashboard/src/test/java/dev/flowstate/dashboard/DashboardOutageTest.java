package dev.flowstate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstate.migrations.MariaDbForTests;
import dev.flowstate.migrations.PostgresForTests;
import dev.flowstate.migrations.TcpProxy;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database goes away under a running dashboard and comes back, behind a TCP proxy that resets
 * every connection and refuses new ones: every read and action answers 503 in the one error shape
 * with the reason, nothing is recorded meanwhile, the pages' shell still loads (so the page can say
 * what is wrong), and the same dashboard answers again once the database is back, without a
 * restart. H2 is embedded: it has no connection to cut.
 */
class DashboardOutageTest {

  static final String RESUME_BODY = "{}";

  @ParameterizedTest
  @EnumSource(
      value = Fixture.Kind.class,
      names = {"POSTGRESQL", "MARIADB"})
  void databaseGone_answers503WithTheReason_recordsNothing_andAnswersAgainWhenItIsBack(
      Fixture.Kind kind) throws Exception {
    boolean postgres = kind == Fixture.Kind.POSTGRESQL;
    try (Fixture fixture = postgres ? Fixture.postgres() : Fixture.mariadb();
        TcpProxy proxy =
            TcpProxy.before(postgres ? PostgresForTests.jdbcUrl() : MariaDbForTests.jdbcUrl())) {
      UUID halted = fixture.halted("Ada");
      fixture.start(
          Dashboard.builder(dataSource(postgres, proxy.jdbcUrl()))
              .operator("alice", Fixture.ALICE_TOKEN));
      String resume = "/api/workflows/" + halted + "/resume";
      assertThat(fixture.get("/api/workflows/" + halted).statusCode()).isEqualTo(200);

      proxy.cut();

      for (String path :
          List.of("/api/overview", "/api/workflows", "/api/workflows/" + halted, "/api/pools")) {
        assertUnreachable(fixture.get(path), path);
      }
      assertUnreachable(
          fixture.post(
              resume, RESUME_BODY, DashboardApiContract.ALICE, DashboardApiContract.BEARER),
          resume);
      HttpResponse<String> shell = fixture.get("/workflows/" + halted);
      assertThat(shell.statusCode()).isEqualTo(200);
      assertThat(shell.body()).contains("<main id=\"main\"");

      proxy.restore();

      JsonNode detail = DashboardApiContract.json(fixture.get("/api/workflows/" + halted));
      assertThat(detail.get("workflow").get("status").asText()).isEqualTo("HALTED");
      assertThat(detail.get("actions").size()).as("nothing recorded while it was gone").isZero();
      HttpResponse<String> asked =
          fixture.post(
              resume, RESUME_BODY, DashboardApiContract.ALICE, DashboardApiContract.BEARER);
      assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
      assertThat(
              DashboardApiContract.json(fixture.get("/api/workflows/" + halted))
                  .get("actions")
                  .size())
          .isEqualTo(1);
    }
  }

  /** 503, the one error shape, the driver's reason on one line, and no password. */
  static void assertUnreachable(HttpResponse<String> response, String path) throws Exception {
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(503);
    JsonNode body = DashboardApiContract.json(response);
    assertThat(body.get("status").asInt()).isEqualTo(503);
    assertThat(body.size()).isEqualTo(2);
    assertThat(body.get("error").asText())
        .as(path)
        .startsWith("cannot reach the database: ")
        .hasSizeGreaterThan("cannot reach the database: ".length())
        .doesNotContain("\n")
        .doesNotContain("password");
  }

  static DataSource dataSource(boolean postgres, String jdbcUrl) throws SQLException {
    if (postgres) {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setURL(jdbcUrl);
      return ds;
    }
    return new MariaDbDataSource(jdbcUrl);
  }
}
