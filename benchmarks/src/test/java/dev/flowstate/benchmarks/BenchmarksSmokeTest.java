package dev.flowstate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every benchmark runs once, small, on the test database, so that a change which breaks one (as
 * migration V11 broke every database benchmark through their TRUNCATE, unnoticed for weeks) fails
 * the build instead of the next measurement. The figures are not looked at: one iteration in this
 * JVM measures nothing. The benchmarks that start JVMs of their own ({@code WorkerScaling}, {@code
 * ResumeLatency}) and {@code MillionObjects} are left out.
 */
class BenchmarksSmokeTest {

  @BeforeAll
  static void database() {
    String url = System.getenv("FLOWSTATE_TEST_JDBC_URL");
    if (url == null || url.isBlank() || !url.startsWith("jdbc:postgresql:")) {
      if ("1".equals(System.getenv("FLOWSTATE_REQUIRE_PG"))) {
        throw new IllegalStateException(
            "FLOWSTATE_REQUIRE_PG=1 but FLOWSTATE_TEST_JDBC_URL names no PostgreSQL database");
      }
      Assumptions.abort("no PostgreSQL: set FLOWSTATE_TEST_JDBC_URL");
    }
    System.setProperty("flowstate.bench.url", url);
    System.setProperty("dashboard.workflows", "2000");
    System.setProperty("jmh.ignoreLock", "true");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "EngineBenchmark",
        "HaltRestartBenchmark",
        "DurableBenchmark",
        "CheckpointBenchmark",
        "DashboardListBenchmark"
      })
  void jmhBenchmark_runsEachOfItsMethodsOnce(String benchmark) throws Exception {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .include("\\." + benchmark + "\\.")
                    .forks(0)
                    .warmupIterations(0)
                    .measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(200))
                    .shouldFailOnError(true)
                    .build())
            .run();

    assertThat(results).isNotEmpty();
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void peerBenchmark_measuresEverySystemInEveryCase() throws Exception {
    System.setProperty("threads", "2");
    System.setProperty("objects", "1,10");
    System.setProperty("modes", "drain,sustained");
    System.setProperty("warmup", "0");
    System.setProperty("systems", "flowstate,db-scheduler,raw,raw-rows,raw-queue");

    List<String> rows = PeerBenchmark.rows(40);

    assertThat(rows).hasSize(4);
    // every system measured: the four ratios are figures, not "-"
    assertThat(rows)
        .allMatch(
            row ->
                row.matches(
                    ".*\\*\\*\\d+\\.\\d\\d×\\*\\* \\| \\d+\\.\\d\\d \\| .* \\| \\d+\\.\\d\\d× \\| .* \\| \\d+\\.\\d\\d× \\|$"),
            "four ratios");
  }
}
