package dev.flowstate.benchmarks;

import dev.flowstate.benchmarks.BenchDatabase.Item;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.RestartPosition;
import java.sql.Connection;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checkpoint mode on stored objects, PostgreSQL: one operation loads a halted workflow of 10,000
 * objects (stored before the operation) and runs it to COMPLETED with checkpoint every 1,000:
 * pages read and parsed, ten tasks each, checkpoints written. The objects are stored by
 * set-based SQL outside the measurement, so this is the processing rate; {@link DbBenchmark}
 * measures a new workflow including storing its objects. Beside it, {@link RawJdbcRun#runStored}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.jboss.logging.provider=slf4j")
@Warmup(iterations = 3)
@Measurement(iterations = 7)
public class DbResumedBenchmark {

  @Param({"true", "false"})
  public boolean history;

  static final int OBJECTS = 10_000;

  private Flowstate flowstate;
  private Connection connection;
  private UUID id;

  @Setup(Level.Trial)
  public void open() throws Exception {
    BenchDatabase.recreateSchema();
    flowstate = BenchDatabase.flowstate(history);
    connection = BenchDatabase.connect();
  }

  @Setup(Level.Invocation)
  public void store() throws Exception {
    BenchDatabase.truncate(connection);
    id = BenchDatabase.storeHalted(connection, OBJECTS);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    connection.close();
    flowstate.close();
  }

  @Benchmark
  public DbWorkflowEngine<Item> engine() {
    DbWorkflowEngine<Item> engine = flowstate.load(id, Item.class);
    engine.setCheckpointEvery(1_000);
    engine.restart(RestartPosition.CURRENT, RestartPosition.FIRST);
    return engine;
  }

  @Benchmark
  public UUID rawJdbc() throws Exception {
    new RawJdbcRun(1_000, history).runStored(connection, id, 0, OBJECTS);
    return id;
  }
}
