package dev.flowstate.benchmarks;

import dev.flowstate.benchmarks.BenchDatabase.Item;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable mode on PostgreSQL (or MariaDB), goal (a) ≥ 0.8 × (b): one operation runs a new workflow
 * of 10,000 objects × 10 tasks from storing its objects to COMPLETED with a commit per object;
 * beside it, {@link RawJdbcRun} with the same statements and commits. An operation takes about ten
 * seconds, so the JIT is done within the first warm-up iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.jboss.logging.provider=slf4j")
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class DurableBenchmark {

  static final int OBJECTS = 10_000;

  private Flowstate flowstate;
  private Connection connection;
  private List<Item> items;

  @Setup(Level.Trial)
  public void open() throws Exception {
    BenchDatabase.recreateSchema();
    flowstate = BenchDatabase.flowstate();
    connection = BenchDatabase.connect();
  }

  @Setup(Level.Invocation)
  public void objects() throws Exception {
    BenchDatabase.truncate(connection);
    items = BenchDatabase.items(OBJECTS);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    connection.close();
    flowstate.close();
  }

  @Benchmark
  public DbWorkflowEngine<Item> engine() {
    DbWorkflowEngine<Item> engine = flowstate.newWorkflow("bench", Item.class);
    engine.process(items);
    return engine;
  }

  @Benchmark
  public List<Item> rawJdbc() throws Exception {
    new RawJdbcRun(1).run(connection, items);
    return items;
  }
}
