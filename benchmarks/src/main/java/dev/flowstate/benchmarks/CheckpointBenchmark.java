package dev.flowstate.benchmarks;

import dev.flowstate.benchmarks.BenchDatabase.Item;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.RestartPosition;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
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
 * Checkpoint every 1,000 objects on PostgreSQL (or MariaDB), goal (c) ≥ 50,000 objects/s, 10,000
 * objects × 10 tasks per operation, each beside {@link RawJdbcRun} with the same statements and
 * commits:
 *
 * <ul>
 *   <li>{@code *Stored*}: a halted workflow whose objects are already stored (by set-based SQL
 *       before the operation) is loaded and run with {@code restart(CURRENT, FIRST)}: pages read
 *       and parsed, tasks, checkpoints; with and without history rows;
 *   <li>{@code *New}: a new workflow, storing its objects included (history on).
 * </ul>
 *
 * An operation takes a fraction of a second, so it needs many warm-up iterations: with few, the JIT
 * compiler threads still run during the measurement and take CPU from PostgreSQL on these 2 cores
 * (with 5 warm-ups the engine measured 225–253 ms, with 30 it measured 168 ms).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.jboss.logging.provider=slf4j")
@Warmup(iterations = 30)
@Measurement(iterations = 10)
public class CheckpointBenchmark {

  static final int OBJECTS = 10_000;
  static final int EVERY = 1_000;

  private Flowstate withHistory;
  private Flowstate withoutHistory;
  private Connection connection;
  private UUID id;
  private List<Item> items;

  @Setup(Level.Trial)
  public void open() throws Exception {
    BenchDatabase.recreateSchema();
    withHistory = BenchDatabase.flowstate(true);
    withoutHistory = BenchDatabase.flowstate(false);
    connection = BenchDatabase.connect();
  }

  @Setup(Level.Invocation)
  public void store() throws Exception {
    BenchDatabase.truncate(connection);
    id = BenchDatabase.storeHalted(connection, OBJECTS);
    items = BenchDatabase.items(OBJECTS);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    connection.close();
    withHistory.close();
    withoutHistory.close();
  }

  private DbWorkflowEngine<Item> resume(Flowstate flowstate) {
    DbWorkflowEngine<Item> engine = flowstate.load(id, Item.class);
    engine.setCheckpointEvery(EVERY);
    engine.restart(RestartPosition.CURRENT, RestartPosition.FIRST);
    return engine;
  }

  @Benchmark
  public DbWorkflowEngine<Item> engineStoredHistory() {
    return resume(withHistory);
  }

  @Benchmark
  public DbWorkflowEngine<Item> engineStoredNoHistory() {
    return resume(withoutHistory);
  }

  @Benchmark
  public UUID rawStoredHistory() throws Exception {
    new RawJdbcRun(EVERY, true).runStored(connection, id, 0, OBJECTS);
    return id;
  }

  @Benchmark
  public UUID rawStoredNoHistory() throws Exception {
    new RawJdbcRun(EVERY, false).runStored(connection, id, 0, OBJECTS);
    return id;
  }

  @Benchmark
  public DbWorkflowEngine<Item> engineNew() {
    DbWorkflowEngine<Item> engine = withHistory.newWorkflow("bench", Item.class);
    engine.setCheckpointEvery(EVERY);
    engine.process(items);
    return engine;
  }

  @Benchmark
  public List<Item> rawNew() throws Exception {
    new RawJdbcRun(EVERY).run(connection, items);
    return items;
  }
}
