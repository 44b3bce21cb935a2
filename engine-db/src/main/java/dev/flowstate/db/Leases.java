package dev.flowstate.db;

import dev.flowstate.db.internal.WorkflowStore;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * one daemon thread per Flowstate renews the leases of its running engines. A renewal that finds
 * the row taken over marks the engine fenced out, so its next save point writes nothing and
 * throws OwnershipException.
 */
final class Leases implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

  private final WorkflowStore store;
  private final Clock clock;
  private final Duration lease;
  private final Duration heartbeat;
  private final String process;
  private final AtomicLong engines = new AtomicLong();
  private final Set<SavePoints<?>> running = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService beats;

  Leases(WorkflowStore store, Clock clock, Duration lease, Duration heartbeat) {
    this.store = store;
    this.clock = clock;
    this.lease = lease;
    this.heartbeat = heartbeat;
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
  synchronized void running(SavePoints<?> saves) {
    running.add(saves);
    if (beats == null) {
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

  void ended(SavePoints<?> saves) {
    running.remove(saves);
  }

  /** Renews the lease of every running engine; one whose row was taken over is fenced out. */
  void beat() {
    for (SavePoints<?> saves : running) {
      try {
        if (!store.renewLease(saves.id, saves.owner, until())) {
          saves.fencedOut();
          running.remove(saves);
        }
      } catch (RuntimeException e) {
        // a lost connection: the next save point will meet it too; the lease may lapse meanwhile
        LOG.warn(
            "workflow {}: could not renew the lease of {}: {}",
            saves.id,
            saves.owner,
            e.toString());
      }
    }
  }

  @Override
  public synchronized void close() {
    if (beats != null) {
      beats.shutdownNow();
    }
  }
}
