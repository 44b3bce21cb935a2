package dev.flowstate.db;

import dev.flowstate.db.internal.Tables;
import dev.flowstate.db.internal.WorkerEntity;
import dev.flowstate.migrations.Columns;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker pool has done (claimed, completed, halted, failed, released), and its row in {@code
 * fs_worker} that carries the counts and its heartbeat to other processes and the views.
 */
final class PoolCounts {

  private static final Logger LOG = LoggerFactory.getLogger(PoolCounts.class);

  final AtomicLong claimed = new AtomicLong();
  final AtomicLong completed = new AtomicLong();
  final AtomicLong halted = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong released = new AtomicLong();

  private final String name;
  private final Tables tables;
  private final Leases leases;
  private final WorkerEntity row = new WorkerEntity();
  private Instant nextReport = Instant.MIN;

  PoolCounts(String name, Tables tables, Leases leases) {
    this.name = name;
    this.tables = tables;
    this.leases = leases;
  }

  /** The pool starts now with {@code threads}: its row's fixed columns. */
  void started(int threads, Instant now) {
    row.name = name;
    row.host = Columns.cut(Leases.host(), 255);
    row.pid = ManagementFactory.getRuntimeMXBean().getPid();
    row.threads = threads;
    row.startedAt = now;
  }

  WorkerStats stats(int running) {
    return new WorkerStats(
        claimed.get(), completed.get(), halted.get(), failed.get(), released.get(), running);
  }

  /** Writes the row: the counts, and alive for a lease more unless the pool is stopping. */
  synchronized void report(Instant now, boolean stopping) {
    row.seenAt = now;
    row.aliveUntil = stopping ? null : now.plus(leases.lease());
    row.stoppedAt = stopping ? now : null;
    row.claimed = claimed.get();
    row.completed = completed.get();
    row.halted = halted.get();
    row.failed = failed.get();
    row.released = released.get();
    tables.workers().saveWorker(row);
    nextReport = now.plus(leases.heartbeat());
  }

  /** Writes the row if a heartbeat passed since the last write; a failure is left to the claim. */
  void reportIfDue(Instant now, boolean stopping) {
    if (!now.isBefore(nextReport)) {
      reportQuietly(now, stopping);
    }
  }

  void reportQuietly(Instant now, boolean stopping) {
    try {
      report(now, stopping);
    } catch (RuntimeException e) {
      nextReport = now.plus(leases.heartbeat()); // the claim will log the outage
      LOG.debug("worker pool {} could not write its row: {}", name, e.toString());
    }
  }
}
