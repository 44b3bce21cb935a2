package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.flowstate.db.internal.Store;
import dev.flowstate.db.internal.Tables;
import dev.flowstate.db.internal.WorkflowTable;
import dev.flowstate.engine.EngineListener;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/*
 * What a Flowstate runs on, and what its worker pools share with it: the store by table, the
 * registry, the engines it makes, the leases and their heartbeat, the store's events, the clock of
 * the timestamps written, and the pools started on it. Pools are given this, not the Flowstate: the
 * front door makes pools, and nothing it makes depends on the front door.
 */
final class Machinery {

  final Tables tables;
  final Definitions definitions = new Definitions();
  final List<EngineListener<?>> listeners = new CopyOnWriteArrayList<>();
  final StoreEvents events = new StoreEvents(listeners);
  final Leases leases;
  final Engines engines;

  /** The clock of the timestamps written (created, modified, runs' starts and ends). */
  final Clock timestamps;

  /** The database's clock, in which leases are judged. */
  final Clock leaseClock;

  private final HikariDataSource ownPool;
  private final Set<Pool> pools = ConcurrentHashMap.newKeySet();

  private record Pool(Runnable wake, Runnable close) {}

  Machinery(
      Store sessions,
      ObjectMapper mapper,
      HikariDataSource ownPool,
      Clock clock,
      Clock databaseClock,
      boolean history,
      int maxDataLength,
      Duration lease,
      Duration heartbeat,
      Duration stalledAfter,
      TransactionBinding transactionBinding) {
    this.tables = Tables.of(sessions);
    this.ownPool = ownPool;
    this.leaseClock =
        databaseClock != null ? databaseClock : new DatabaseClock(sessions::databaseTime);
    this.timestamps = clock != null ? clock : leaseClock;
    this.leases = new Leases(tables, leaseClock, lease, heartbeat, stalledAfter, events);
    this.engines =
        new Engines(
            new RunSettings(
                tables,
                mapper,
                timestamps,
                history,
                maxDataLength,
                leases,
                events,
                transactionBinding),
            definitions,
            listeners);
  }

  /** The size of the connection pool the builder made, or 0 if the application gave its own. */
  int maxConnections() {
    return ownPool == null ? 0 : ownPool.getMaximumPoolSize();
  }

  /**
   * A workflow a worker pool claimed, loaded to run under the pool's name ({@code claimant}), which
   * its row names under a live lease.
   */
  DbWorkflowEngine<?> loadClaimed(
      java.util.UUID id,
      String definitionName,
      String claimant,
      WorkflowTable.Preloaded preloaded,
      boolean started) {
    return engines.load(
        id, definitions.byName(definitionName).type(), false, claimant, preloaded, started);
  }

  /**
   * A pool started on this Flowstate: work submitted or requested here wakes it, and closing the
   * Flowstate closes it first (a pool outliving its database would only log failures).
   *
   * @return what forgets the pool again, when it closes
   */
  Runnable started(Runnable wake, Runnable close) {
    Pool pool = new Pool(wake, close);
    pools.add(pool);
    return () -> pools.remove(pool);
  }

  /** Work was submitted or requested here: this process's pools look at once. */
  void workAvailable() {
    pools.forEach(pool -> pool.wake().run());
  }

  /** Closes the pools, the leases' heartbeat, the session factory and the pool the builder made. */
  void close() {
    pools.forEach(pool -> pool.close().run());
    leases.close();
    tables.sessions().close();
    if (ownPool != null) {
      ownPool.close();
    }
  }
}
