package dev.flowstate.db.internal;

import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import org.hibernate.Session;

/**
 * The plan of a pool's claim on PostgreSQL, for the tests that pin it (not part of the product).
 */
public final class ClaimPlans {

  private ClaimPlans() {}

  /**
   * The claim's plan as {@code EXPLAIN (ANALYZE, BUFFERS)} prints it: the claim runs, with the
   * settings that pin its plan, and is rolled back.
   */
  public static String explain(
      Tables tables,
      String owner,
      int limit,
      Instant now,
      Instant until,
      Map<String, String> definitions) {
    if (!(tables.workflows().dialect instanceof PostgresDialect postgres)) {
      throw new IllegalStateException("the claim's plan is shown on PostgreSQL only");
    }
    StringBuilder plan = new StringBuilder();
    EntityManager em = tables.sessions().begin();
    try {
      em.unwrap(Session.class)
          .doWork(
              connection -> {
                try (PreparedStatement explain =
                    connection.prepareStatement(
                        PostgresClaims.PIN_PLAN
                            + "EXPLAIN (ANALYZE, BUFFERS) "
                            + postgres.claims.claimSql(definitions.size()))) {
                  PostgresClaims.bind(explain, owner, limit, now, until, definitions, now);
                  try (java.sql.ResultSet rows = PostgresClaims.pinnedResult(explain)) {
                    while (rows.next()) {
                      plan.append(rows.getString(1)).append('\n');
                    }
                  }
                }
              });
    } finally {
      tables.sessions().discard(em);
    }
    return plan.toString();
  }
}
