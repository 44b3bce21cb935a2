package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.db.internal.ClaimPlans;
import dev.flowstate.engine.Flow;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PostgresWorkerPoolTest extends WorkerPoolContract {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }

  @Test
  @Override
  void lockedRow_isSkippedByTheClaim_andRunOnceItIsReleased() throws Exception {
    super.lockedRow_isSkippedByTheClaim_andRunOnceItIsReleased();
  }

  /**
   * PostgreSQL: after a large submit that autovacuum has not analyzed yet, the planner estimates
   * one matching row and would scan and sort the whole table at every claim; the claim walks the
   * due index in resume_at order and stops after its batch whatever the statistics say.
   */
  @Test
  void claim_walksTheDueIndex_evenWhenTheStatisticsAreStale() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    UUID first = flowstate.submit("one", Doc.docs("A"));
    String fingerprint = fingerprint(first);
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE fs_workflow SET (autovacuum_enabled = false)");
      s.execute("ANALYZE fs_workflow"); // statistics of a table of one row
      s.executeUpdate(
          "INSERT INTO fs_workflow (id, definition_name, definition_fingerprint, status, token_pos,"
              + " callback_pos, version, created_at, modified_at, resume_at)"
              + " SELECT gen_random_uuid(), 'one', '"
              + fingerprint
              + "', 'NEW', -1, '[0]', 0, now(), now(), now() - interval '1 hour'"
              + " FROM generate_series(1, 5000)");
    }
    Instant now = Instant.now().plusSeconds(1);

    String plan =
        ClaimPlans.explain(
            flowstate.tables(), "me", 8, now, now.plusSeconds(30), Map.of("one", fingerprint));

    assertThat(plan).contains("Index Scan using fs_workflow_due_ix on fs_workflow");
    assertThat(plan).doesNotContain("Seq Scan on fs_workflow").doesNotContain("Bitmap");
    assertThat(plan.lines().filter(line -> line.contains("Update on fs_workflow")).findFirst())
        .hasValueSatisfying(line -> assertThat(line).contains("rows=8 loops=1"));
  }

  /**
   * The claim's plan (what the plan tests read): the claim runs under EXPLAIN ANALYZE, locking rows
   * as it goes, and is rolled back, so the due workflow stays unclaimed.
   */
  @Test
  void claimsPlan_isExplainedAndTheClaimRolledBack() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    UUID due = flowstate.submit("one", Doc.docs("A"));
    String fingerprint = fingerprint(due);
    Instant now = Instant.now().plusSeconds(1);

    String plan =
        ClaimPlans.explain(
            flowstate.tables(), "me", 8, now, now.plusSeconds(30), Map.of("one", fingerprint));

    assertThat(plan.lines()).anyMatch(line -> line.contains("Update on fs_workflow"));
    assertThat(plan).contains("LockRows").contains("actual time=").contains("Execution Time");
    assertThat(plan.lines().filter(line -> line.contains("Update on fs_workflow")).findFirst())
        .hasValueSatisfying(line -> assertThat(line).contains("rows=1 loops=1"));
    assertThat(rows("SELECT owner, status FROM fs_workflow WHERE id = '" + due + "'"))
        .containsExactly("null | NEW");
  }
}
