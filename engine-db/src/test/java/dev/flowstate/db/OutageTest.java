package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.FlowstateException;
import dev.flowstate.engine.Task;
import dev.flowstate.migrations.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The database goes away mid-run behind a TCP proxy and comes back: the run fails with a clear
 * error within the configured timeouts (not a hang), no row is left inconsistent, and resume()
 * after the restore completes the workflow as an undisturbed run would.
 */
class OutageTest extends DatabaseTest {

  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }

  @Test
  void databaseCutMidRun_failsClearlyWithinTheTimeouts_andResumeAfterTheRestoreCompletes()
      throws Exception {
    db = database();
    db.flowstate().build().close(); // migrate the schema directly
    List<String> seen = new ArrayList<>();
    try (TcpProxy proxy = TcpProxy.before(db.jdbcUrl())) {
      boolean[] cut = {false};
      flowstate =
          Flowstate.builder()
              .jdbcUrl(proxy.jdbcUrl())
              .schema(db.schema())
              .connectionTimeout(Duration.ofSeconds(1))
              .build();
      flowstate.register(
          "outage",
          Doc.class,
          Flow.of(
              Task.named(
                  "work",
                  (d, e) -> {
                    d.seen.add("work");
                    seen.add(d.name);
                    if (d.name.equals("C") && !cut[0]) {
                      cut[0] = true;
                      proxy.cut(); // the database goes away while C's tasks run
                    }
                  })));
      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("outage", Doc.class);

      assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C", "D")))
          .isInstanceOf(FlowstateException.class)
          .hasMessageContaining("could not save object 2")
          .hasMessageContaining("may still read RUNNING");

      proxy.restore();
      // an outage outlasts HikariCP's 500 ms without validation: the pool then tests each idle
      // connection it hands out and replaces the ones the cut killed
      Thread.sleep(1_000);
      // the rows are those of the last commit: A and B done, C running, D not begun
      assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
          .containsExactly("0 | COMPLETED", "1 | COMPLETED", "2 | RUNNING", "3 | INITIAL");
      engine.resume();

      assertThat(rows("SELECT status, owner FROM fs_workflow")).containsExactly("COMPLETED | null");
      assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
          .containsExactly(
              "0 | COMPLETED | {\"n\":0,\"name\":\"A\",\"seen\":[\"work\"]}",
              "1 | COMPLETED | {\"n\":0,\"name\":\"B\",\"seen\":[\"work\"]}",
              "2 | COMPLETED | {\"n\":0,\"name\":\"C\",\"seen\":[\"work\"]}",
              "3 | COMPLETED | {\"n\":0,\"name\":\"D\",\"seen\":[\"work\"]}");
      assertThat(seen).containsExactly("A", "B", "C", "C", "D");
    }
  }
}
