package dev.flowstate.db;

import java.time.Instant;

/**
 * A worker pool as the {@code fs_worker_status} view shows it, at the database's time.
 *
 * @param name the pool's name, unique among the pools that share the database
 * @param host the host it runs on
 * @param pid its process id
 * @param threads its threads
 * @param statusLabel {@code Running} while its heartbeat is current, {@code Gone} when the
 *     heartbeat stopped without a shutdown (a crash, a frozen process), {@code Stopped} after a
 *     shutdown
 * @param holding the workflows it holds under a live lease
 * @param claimed workflows it claimed since it started
 * @param completed runs that completed their workflow
 * @param halted runs that ended with a halt, a stop or an abort
 * @param failed runs that ended with an error
 * @param released workflows it handed back
 * @param startedAt when it started
 * @param seenAt its last heartbeat
 * @param stoppedAt when it shut down, or null
 */
public record WorkerPoolStatus(
    String name,
    String host,
    long pid,
    int threads,
    String statusLabel,
    long holding,
    long claimed,
    long completed,
    long halted,
    long failed,
    long released,
    Instant startedAt,
    Instant seenAt,
    Instant stoppedAt) {}
