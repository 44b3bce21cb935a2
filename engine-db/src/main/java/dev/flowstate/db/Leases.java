package dev.flowstate.db;

import dev.flowstate.db.internal.Tables;
import dev.flowstate.migrations.Columns;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Ownership (SEMANTICS §8): a run holds its workflow by writing an owner and a lease expiry on
 * its row in its first transaction. Every save renews the lease; for long tasks between saves,
 * one daemon thread per Flowstate renews the leases of its running engines, all in one statement
 * per beat. A renewal that finds the row taken over marks the engine fenced out, so its next save
 * point writes nothing and throws OwnershipException. Every lease is judged in the database's
 * time (DatabaseClock), never in this JVM's: the heartbeat also reads the database's clock again.
 */
final class Leases implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

  private final Tables tables;
  private final Clock clock;
  private final Duration lease;
  private final Duration heartbeat;
  private final Duration stalledAfter;
  private final StoreEvents events;
  private final String process;
  private final AtomicLong engines = new AtomicLong();
  private final Set<RunWatch> running = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService beats;

  /** Counted down when this closes: ends a beat's pause between retries at once. */
  private final CountDownLatch closing = new CountDownLatch(1);

  /**
   * @param clock the database's time ({@link DatabaseClock}, or a test's clock)
   */
  Leases(
      Tables tables,
      Clock clock,
      Duration lease,
      Duration heartbeat,
      Duration stalledAfter,
      StoreEvents events) {
    this.events = events;
    this.tables = tables;
    this.clock = clock;
    this.lease = lease;
    this.heartbeat = heartbeat;
    this.stalledAfter = stalledAfter;
    this.process =
        host()
            + ":"
            + ManagementFactory.getRuntimeMXBean().getPid()
            + ":"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown-host";
    }
  }

  /** A new engine's owner name: host, pid, this Flowstate's random id and the engine's number. */
  String newOwner() {
    return process + "#" + engines.incrementAndGet();
  }

  /** A new worker pool's name, which the workflows it holds carry as their owner. */
  String newPool() {
    return process + "#workers-" + engines.incrementAndGet();
  }

  /** How long a lease lasts unrenewed. */
  Duration lease() {
    return lease;
  }

  /** How often leases are renewed. */
  Duration heartbeat() {
    return heartbeat;
  }

  Instant now() {
    return clock.instant();
  }

  /** When a lease taken or renewed now ends. */
  Instant until() {
    return clock.instant().plus(lease);
  }

  /** A run took its workflow: the heartbeat renews its lease until {@link #ended}. */
  synchronized void running(RunWatch saves) {
    running.add(saves);
    startBeating();
  }

  /**
   * Starts the heartbeat's thread if it is not running: it renews leases and keeps the database's
   * clock read; a Flowstate starts it when built.
   */
  synchronized void startBeating() {
    if (beats == null && closing.getCount() > 0) {
      beats =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "flowstate-heartbeat");
                thread.setDaemon(true);
                return thread;
              });
      long period = heartbeat.toMillis();
      beats.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }
  }

  void ended(RunWatch saves) {
    running.remove(saves);
  }

  /**
   * Renews the lease of every running engine in one statement; one whose row was taken over is
   * fenced out. A failed renewal (a lost connection, a slow database) is retried a few times within
   * half a heartbeat, so that with three beats per lease one bad moment does not let a lease lapse
   * under a live run; what still fails is logged and left to the next beat.
   */
  void beat() {
    if (running.isEmpty()) {
      syncClock();
      return;
    }
    long giveUp = System.nanoTime() + heartbeat.toNanos() / 2;
    long pause = Math.max(20, heartbeat.toMillis() / 8);
    for (int attempt = 1; ; attempt++) {
      try {
        renewAll();
        if (attempt > 1) {
          LOG.info("leases renewed at attempt {} after a failed heartbeat", attempt);
        }
        checkStalls();
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() + pause * 1_000_000 > giveUp) {
          LOG.warn(
              "could not renew the leases of {} running workflow(s) after {} attempt(s); the next"
                  + " heartbeat tries again (the leases run {} past their last renewal): {}",
              running.size(),
              attempt,
              lease,
              e.toString());
          int workflows = running.size();
          events.tell("leaseRenewalFailed", l -> l.leaseRenewalFailed(workflows, e));
          return;
        }
        try {
          if (closing.await(pause, TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void renewAll() {
    syncClock();
    Map<UUID, String> held = new HashMap<>();
    Map<UUID, RunWatch> byId = new HashMap<>();
    for (RunWatch saves : running) {
      held.put(saves.id, saves.owner);
      byId.put(saves.id, saves);
    }
    for (UUID lost : tables.ownership().renewLeases(held, until())) {
      RunWatch saves = byId.get(lost);
      saves.fencedOut();
      running.remove(saves);
    }
  }

  /**
   * A run that has not reached a save point for longer than {@code stalledAfter} (a hung task, a
   * call that never returns) is logged once, with its task and its thread's stack, and marked on
   * its row, which fs_workflow_status shows as 'Stalled'; the mark goes when it moves on.
   */
  private void checkStalls() {
    long now = System.nanoTime();
    for (RunWatch saves : running) {
      long quiet = saves.sinceProgress(now);
      boolean stalled = quiet > stalledAfter.toNanos();
      if (stalled == saves.markedStalled) {
        continue;
      }
      try {
        if (stalled) {
          String task = saves.currentTask();
          Thread runner = saves.runner();
          Throwable where = new Throwable("where the run of workflow " + saves.id + " is now");
          if (runner != null) {
            where.setStackTrace(runner.getStackTrace());
          }
          LOG.warn(
              "workflow {} ({}) has reached no save point for {} (more than {}), at {}: a hung"
                  + " task? It keeps its lease while this process lives; a timeout(...) around"
                  + " the task ends it",
              saves.id,
              saves.definitionName,
              Duration.ofMillis(quiet / 1_000_000),
              stalledAfter,
              saves.where(),
              where);
          tables
              .ownership()
              .markStalled(
                  saves.id,
                  saves.owner,
                  now().minusNanos(quiet),
                  task == null ? null : Columns.cut(task, Columns.STALLED_TASK));
        } else {
          tables.ownership().markStalled(saves.id, saves.owner, null, null);
        }
        saves.markedStalled = stalled;
      } catch (RuntimeException e) {
        LOG.debug("workflow {}: could not mark its run stalled: {}", saves.id, e.toString());
      }
    }
  }

  /**
   * Reads the database's clock again (the heartbeat's thread; a failure keeps the last reading).
   */
  private void syncClock() {
    if (clock instanceof DatabaseClock database) {
      try {
        database.sync();
      } catch (RuntimeException e) {
        LOG.debug("could not read the database's clock: {}", e.toString());
      }
    }
  }

  /**
   * Stops the heartbeat: a beat in flight ends its statement (its retries stop at once) and close
   * waits for it, up to a heartbeat's period (a second at least). The heartbeat's thread is never
   * interrupted: an interrupt that lands in the JDBC driver breaks its connection, and on an
   * embedded H2 file database it closes the database for every connection of the process (H2 issue
   * 227). One still running after the wait (a hung statement) is left to end on its own; it is a
   * daemon thread and its connection fails once the store is closed.
   */
  @Override
  public void close() {
    ScheduledExecutorService stopping;
    synchronized (this) {
      closing.countDown();
      stopping = beats;
    }
    if (stopping == null) {
      return;
    }
    stopping.shutdown();
    try {
      long wait = Math.max(1_000, heartbeat.toMillis());
      if (!stopping.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "the heartbeat's statement has not ended {} ms after close; left to end on its own",
            wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
