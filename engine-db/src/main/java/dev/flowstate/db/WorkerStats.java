package dev.flowstate.db;

/**
 * What a worker pool has done since it started, as {@code fs_worker_status} also shows it.
 *
 * @param claimed workflows it claimed
 * @param completed runs that completed their workflow
 * @param halted runs that ended with a halt (including {@code retryAfter}, a stop or an abort)
 * @param failed runs that ended with an error (a task's or a save's), or could not start
 * @param released claimed or running workflows it handed back at shutdown, or lost to another
 *     owner; another pool continues them
 * @param running workflows it is running now
 */
public record WorkerStats(
    long claimed, long completed, long halted, long failed, long released, int running) {}
