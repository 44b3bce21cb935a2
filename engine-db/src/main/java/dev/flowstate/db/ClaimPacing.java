package dev.flowstate.db;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * When a worker pool's claimer claims next: at once after a claim that found all it asked for;
 * after a short gathering pause when it found some; after a back-off doubling up to the poll
 * interval when it found none. New work, a finished run and closing wake it early, so the back-off
 * bounds only how late work submitted elsewhere (another process) is seen.
 */
final class ClaimPacing {

  /** An idle pool's first wait; it doubles up to the poll interval. */
  private static final long FIRST_BACKOFF_MILLIS = 25;

  /**
   * After a claim that found some work but less than it asked for, the claimer lets work gather
   * this long before it claims again, even when new work wakes it: under a steady stream of submits
   * each one woke it to a claim of one workflow, a transaction and a commit per workflow where one
   * can serve several. An idle pool (its last claim found nothing) still claims at once.
   */
  private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

  private final long pollMillis;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signal = lock.newCondition();
  private boolean signalled;
  private volatile boolean stopped;
  private long backoff = FIRST_BACKOFF_MILLIS;

  ClaimPacing(long pollMillis) {
    this.pollMillis = pollMillis;
  }

  /** Work may be waiting: look now instead of at the end of the back-off. */
  void wake() {
    lock.lock();
    try {
      signalled = true;
      signal.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends every wait, now and from now on. */
  void stop() {
    stopped = true;
    wake();
  }

  /**
   * Waits as a claim that found {@code claimed} of the {@code wanted} workflows calls for (not at
   * all when it found them all).
   */
  void afterClaim(int claimed, int wanted) {
    if (claimed == wanted) {
      backoff = FIRST_BACKOFF_MILLIS; // there may be more: claim again at once
      return;
    }
    if (claimed > 0) {
      gather();
      await(FIRST_BACKOFF_MILLIS);
      backoff = FIRST_BACKOFF_MILLIS;
    } else {
      await(Math.min(backoff, pollMillis));
      backoff = Math.min(backoff * 2, pollMillis);
    }
  }

  /** Waits until woken or {@code millis} passed. */
  void await(long millis) {
    pause(TimeUnit.MILLISECONDS.toNanos(millis), true);
  }

  /**
   * Waits {@link #GATHER_NANOS} whatever wakes it but stopping; a wake-up meanwhile is kept, so the
   * {@link #await} that follows returns at once.
   */
  private void gather() {
    pause(GATHER_NANOS, false);
  }

  /** Waits {@code nanos} or until stopped; a wake-up ends it (and is used up) if it may. */
  private void pause(long nanos, boolean endsAtWakeUp) {
    lock.lock();
    try {
      while (!(endsAtWakeUp && signalled) && !stopped && nanos > 0) {
        nanos = signal.awaitNanos(nanos);
      }
      if (endsAtWakeUp) {
        signalled = false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }
}
