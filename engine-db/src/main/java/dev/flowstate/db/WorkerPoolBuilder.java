package dev.flowstate.db;

import java.time.Duration;

/** Configures and starts a {@link WorkerPool}; get one from {@link Flowstate#workers()}. */
public final class WorkerPoolBuilder {
  private final Machinery machinery;
  private int threads = WorkerPool.DEFAULT_THREADS;
  private Duration pollInterval = WorkerPool.DEFAULT_POLL_INTERVAL;
  private int batchSize = -1;
  private int prefetch = -1;
  private Duration shutdownTimeout = WorkerPool.DEFAULT_SHUTDOWN_TIMEOUT;

  WorkerPoolBuilder(Machinery machinery) {
    this.machinery = machinery;
  }

  /**
   * @param threads how many workflows the pool runs at once, 1 to 1000 (default {@value
   *     WorkerPool#DEFAULT_THREADS}); durable runs wait on commits, so more threads than cores pay
   * @return this
   */
  public WorkerPoolBuilder threads(int threads) {
    if (threads < 1 || threads > 1000) {
      throw new IllegalArgumentException(
          "threads must be between 1 and 1000, got " + threads + "; the default is 4");
    }
    this.threads = threads;
    return this;
  }

  /**
   * @param interval the longest an idle pool waits before it looks for work again (default 1 s), so
   *     new work in other processes is noticed within it; from 10 ms to 1 hour
   * @return this
   */
  public WorkerPoolBuilder pollInterval(Duration interval) {
    if (interval == null
        || interval.compareTo(Duration.ofMillis(10)) < 0
        || interval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "pollInterval must be between 10 ms and 1 hour, got "
              + interval
              + "; the default is 1 s");
    }
    this.pollInterval = interval;
    return this;
  }

  /**
   * @param size the most workflows one claim takes, at least 1 (default: the number of threads and
   *     of {@link #prefetch} together, so that one claim fills an idle pool); a claim never takes
   *     more than the pool has free places
   * @return this
   */
  public WorkerPoolBuilder batchSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException(
          "batchSize must be at least 1, got "
              + size
              + "; the default is the number of threads plus prefetch");
    }
    this.batchSize = size;
    return this;
  }

  /**
   * @param workflows how many claimed workflows may wait for a thread, 0 to 10,000 (default: twice
   *     the threads, at least 4, as db-scheduler's lock-and-fetch holds up to three times its
   *     threads). A thread that finishes starts the next at once instead of waiting for a claim's
   *     round trip, and a claim's commit is shared by a batch; a workflow that waited half its
   *     lease is handed back unstarted (a pool takes it again), as are all waiting ones when the
   *     pool closes. 0 claims only for idle threads; lower it when tasks are long and other
   *     instances should get the work
   * @return this
   */
  public WorkerPoolBuilder prefetch(int workflows) {
    if (workflows < 0 || workflows > 10_000) {
      throw new IllegalArgumentException(
          "prefetch must be between 0 and 10000, got "
              + workflows
              + "; the default is twice the number of threads, at least 4");
    }
    this.prefetch = workflows;
    return this;
  }

  /**
   * @param timeout how long {@link WorkerPool#close()} waits for running workflows to reach their
   *     next save point (default 30 s), zero or more
   * @return this
   */
  public WorkerPoolBuilder shutdownTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative()) {
      throw new IllegalArgumentException(
          "shutdownTimeout must be zero or more, got " + timeout + "; the default is 30 s");
    }
    this.shutdownTimeout = timeout;
    return this;
  }

  private static int defaultPrefetch(int threads) {
    return Math.max(4, 2 * threads);
  }

  /**
   * Starts the pool: its row in {@code fs_worker} is written, then it claims work.
   *
   * @return the running pool; close it when the service stops
   * @throws StoreException if the pool's row cannot be written (the database is unreachable)
   */
  public WorkerPool start() {
    WorkerPool pool =
        new WorkerPool(
            machinery,
            threads,
            pollInterval,
            batchSize < 0
                ? threads + (prefetch < 0 ? defaultPrefetch(threads) : prefetch)
                : batchSize,
            prefetch < 0 ? defaultPrefetch(threads) : prefetch,
            shutdownTimeout);
    pool.begin();
    return pool;
  }
}
