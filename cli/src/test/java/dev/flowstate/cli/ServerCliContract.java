package dev.flowstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.FlowstateBuilder;
import dev.flowstate.migrations.TcpProxy;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CliContract} on a database server, in a schema of its own per test class instance. */
abstract class ServerCliContract extends CliContract {
  final String url = url();
  final String schema = "fs_cli_" + Long.toHexString(System.nanoTime());

  /** The server's JDBC URL, user and password included. */
  abstract String url();

  @Override
  List<String> target() {
    return List.of("--db", url, "--schema", schema);
  }

  @Override
  FlowstateBuilder flowstate() {
    return Flowstate.builder().jdbcUrl(url).schema(schema);
  }

  /**
   * The database goes away under {@code ./flowstate dashboard} (a proxy resets every connection and
   * refuses new ones): reads and actions answer 503 saying it cannot connect, with the password
   * masked, nothing is recorded, and the same process answers again once the database is back.
   */
  @Test
  void dashboard_whileTheDatabaseIsAway_answers503WithTheReason_andAnswersAgainAfter()
      throws Exception {
    try (TcpProxy proxy = TcpProxy.before(url);
        RunningDashboard dashboard =
            new RunningDashboard(List.of("--db", proxy.jdbcUrl(), "--schema", schema))) {
      assertThat(dashboard.get("api/workflows/" + halted).statusCode()).isEqualTo(200);

      proxy.cut();

      for (HttpResponse<String> answer :
          List.of(dashboard.get("api/workflows?status=HALTED"), dashboard.resume(halted))) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.body())
            .startsWith("{\"status\":503,\"error\":\"cannot reach the database: cannot connect to ")
            .contains("check --db (or FLOWSTATE_DB_URL), --user and --password")
            .doesNotContain("\\n");
      }

      proxy.restore();

      assertThat(dashboard.get("api/workflows?status=HALTED").body()).contains(halted.toString());
      assertThat(flowstate.workflow(halted).orElseThrow().resumeAt())
          .as("nothing recorded while it was away")
          .isNull();
    }
  }
}
