// submit one at a time against submitAll, 2,000 one-object workflows, four rounds (the first
// warms up). Run from the repository root after `mvn -B -q package -pl benchmarks -DskipTests`:
//   jshell --class-path benchmarks/target/benchmarks.jar \
//       -R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn benchmarks/submit-all.jsh
// It uses FLOWSTATE_TEST_JDBC_URL (else the local PostgreSQL) and a schema fs_sub of its own.
import dev.flowstate.db.*;
import dev.flowstate.engine.*;
import java.util.*;
var url = Optional.ofNullable(System.getenv("FLOWSTATE_TEST_JDBC_URL")).orElse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement()) { s.execute("DROP SCHEMA IF EXISTS fs_sub CASCADE"); s.execute("CREATE SCHEMA fs_sub"); }
var ds = new com.zaxxer.hikari.HikariDataSource(); ds.setJdbcUrl(url); ds.setMaximumPoolSize(4);
var f = Flowstate.builder().dataSource(ds).schema("fs_sub").build();
Task<String> t = Task.named("x", (d, e) -> {}); f.register("peer", String.class, dev.flowstate.engine.Flow.<String>of(t));
for (int round = 0; round < 4; round++) {
  long t0 = System.nanoTime();
  for (int j = 0; j < 2000; j++) f.submit("peer", List.of("item"));
  long t1 = System.nanoTime();
  for (int j = 0; j < 2000; j += 500) { var b = new ArrayList<List<String>>(); for (int k = 0; k < 500; k++) b.add(List.of("item")); f.submitAll("peer", b); }
  long t2 = System.nanoTime();
  System.out.printf("round %d: 2,000 one-object workflows: submit each %.0f ms, submitAll by 500 %.0f ms%n", round, (t1-t0)/1e6, (t2-t1)/1e6);
}
f.close(); ds.close();
try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement()) { s.execute("DROP SCHEMA IF EXISTS fs_sub CASCADE"); }
/exit
