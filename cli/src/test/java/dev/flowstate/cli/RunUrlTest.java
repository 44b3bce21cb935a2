package dev.flowstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** resume, restart and the demo run workflows on an H2 file that writes each commit at once. */
class RunUrlTest {

  private static String runUrl(String url) {
    return new Database(url, null, null, null).runUrl();
  }

  @Test
  void anH2UrlWithoutAWriteDelay_getsWriteDelayZero() {
    assertThat(runUrl("jdbc:h2:./flowstate-demo/flowstate"))
        .isEqualTo("jdbc:h2:./flowstate-demo/flowstate;WRITE_DELAY=0");
  }

  @Test
  void aWriteDelayTheUrlSets_isKept() {
    assertThat(runUrl("jdbc:h2:./data/db;write_delay=100"))
        .isEqualTo("jdbc:h2:./data/db;write_delay=100");
    assertThat(runUrl(null)).isEqualTo(dev.flowstate.db.FlowstateBuilder.DEFAULT_JDBC_URL);
  }

  @Test
  void otherDatabases_areLeftAsGiven() {
    assertThat(runUrl("jdbc:postgresql://db/app")).isEqualTo("jdbc:postgresql://db/app");
  }
}
