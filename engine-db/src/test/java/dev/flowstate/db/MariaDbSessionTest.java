package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * What only the MySQL family needs: its TIMESTAMP columns read and write instants in the session's
 * time zone, so flowstate works in UTC sessions only (the builder's own pool sets it; a given data
 * source in another zone is refused before anything is written), and they end in January 2038.
 */
class MariaDbSessionTest extends DatabaseTest {

  /** A session five hours east of UTC, as a server or pool configured for a local zone gives. */
  private static final String EAST = "sessionVariables=time_zone='+05:00'";

  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }

  @BeforeEach
  void open() {
    db = database();
  }

  private String url(String extra) {
    return db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + extra;
  }

  @Test
  void givenDataSourceWhoseSessionIsNotUtc_isRefusedNamingTheZoneAndTheFix_beforeAnythingIsWritten()
      throws Exception {
    MariaDbDataSource east = new MariaDbDataSource(url(EAST));

    assertThatThrownBy(() -> Flowstate.builder().dataSource(east).schema(db.schema()).build())
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("the MariaDB session's time zone is +05:00, not UTC: ")
        .hasMessageContaining("connectionInitSql \"SET time_zone = '+00:00'\"")
        .hasMessageContaining("sessionVariables=time_zone='+00:00'");
    try (var c = db.dataSource().getConnection();
        var r =
            c.createStatement()
                .executeQuery(
                    "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '"
                        + db.schema()
                        + "'")) {
      r.next();
      assertThat(r.getInt(1)).as("databases made").isZero();
    }
  }

  @Test
  void poolTheBuilderMakes_fromAUrlWhoseSessionIsNotUtc_storesInstantsInUtc() throws Exception {
    flowstate = Flowstate.builder().jdbcUrl(url(EAST)).schema(db.schema()).build();
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    UUID id = flowstate.submit("halting", Doc.docs("A"));
    Instant due = Instant.parse("2030-01-02T03:04:05.123456Z");

    flowstate.resumeAt(id, due);

    assertThat(flowstate.workflow(id).orElseThrow().resumeAt()).isEqualTo(due);
    // as an operator's UTC session reads it
    assertThat(
            rows(
                "SELECT DATE_FORMAT(CONVERT_TZ(resume_at, @@session.time_zone, '+00:00'),"
                    + " '%Y-%m-%d_%H:%i:%s.%f') FROM fs_workflow"))
        .containsExactly("2030-01-02_03:04:05.123456");
  }

  @Test
  void resumeAtAfterTheFamilysLastInstant_isRefused_andChangesNothing() throws Exception {
    flowstate = db.flowstate().build();
    flowstate.register("halting", Doc.class, SavePointsContract.HALTING);
    UUID id = flowstate.submit("halting", Doc.docs("A"));
    Instant before = flowstate.workflow(id).orElseThrow().resumeAt();

    assertThatThrownBy(() -> flowstate.resumeAt(id, Instant.parse("2040-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "resumeAt 2040-01-01T00:00:00Z is after 2038-01-19T03:14:07.999999Z, the last instant"
                + " this database's TIMESTAMP columns hold; choose an earlier time");
    assertThat(flowstate.workflow(id).orElseThrow().resumeAt()).isEqualTo(before);
  }
}
