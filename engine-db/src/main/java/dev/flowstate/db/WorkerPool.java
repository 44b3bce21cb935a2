package dev.flowstate.db;

import dev.flowstate.db.internal.Claim;
import dev.flowstate.db.internal.Tables;
import dev.flowstate.db.internal.WorkflowTable;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.WorkflowError;
import dev.flowstate.migrations.Columns;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads that run stored workflows of a {@link Flowstate}'s registered definitions, in any number
 * of processes sharing one database: each pool claims what is runnable and {@link
 * DbWorkflowEngine#resume() resumes} it.
 *
 * <p>Runnable are, interrupted ones first, then in the order they became due:
 *
 * <ul>
 *   <li>workflows {@link Flowstate#submit submitted} and not yet run;
 *   <li>interrupted ones: {@code RUNNING} with no live owner (their process died, or a pool handed
 *       them back at shutdown), continued where their last commit left them (SEMANTICS §8);
 *   <li>halted, failed or new ones whose resumption is due: {@link Flowstate#requestResume}, {@link
 *       Flowstate#resumeAt}, or a task's {@link dev.flowstate.engine.WorkflowEngine#retryAfter
 *       retryAfter} once its delay has passed.
 * </ul>
 *
 * <p>Only workflows stored with a definition this Flowstate has registered, with the same
 * fingerprint, are claimed, so instances running an older build leave the newer build's workflows
 * alone and the reverse. A claim writes the pool's {@link #name()} as the workflow's owner under a
 * lease, in the same statement that picks the rows (PostgreSQL: {@code FOR UPDATE SKIP LOCKED}), so
 * no two pools ever run one workflow. A pool claims as many workflows as it has idle threads, and
 * up to {@link WorkerPoolBuilder#prefetch} more that wait for a thread, so a thread that finishes
 * starts the next without a claim's round trip (one that waited half its lease is handed back
 * unstarted); when there is nothing to claim it polls less often, up to the poll interval, and work
 * submitted or requested through the same Flowstate wakes it at once.
 *
 * <p>{@link #close()} stops claiming, asks every running workflow to hand itself back at its next
 * save point between two objects (stored {@code RUNNING} at the next object with no owner, which
 * any pool takes over at once), and waits up to the shutdown timeout. A pool killed instead leaves
 * leases that expire; then other pools take its workflows over.
 *
 * <p>Each pool has a row in {@code fs_worker}, renewed at every heartbeat with its counts; the view
 * {@code fs_worker_status} adds what it holds now. Thread-safe.
 */
public final class WorkerPool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

  /** The default of {@link WorkerPoolBuilder#threads}. */
  public static final int DEFAULT_THREADS = 4;

  /**
   * The default of {@link WorkerPoolBuilder#pollInterval}: the longest an idle pool waits between
   * claims.
   */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** The default of {@link WorkerPoolBuilder#shutdownTimeout}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final Machinery machinery;

  /** Forgets this pool in its Flowstate, once it is closed. */
  private volatile Runnable forget = () -> {};

  private final Tables tables;
  private final Leases leases;
  private final String name;
  private final int threads;
  private final Duration pollInterval;
  private final int batchSize;
  private final int prefetch;

  /**
   * The claimer claims again when no more than this many claimed workflows wait for a thread (half
   * the threads' worth, at most prefetch), as db-scheduler's lock-and-fetch does: claiming at every
   * finished run would spend a claim's commit on each workflow.
   */
  private final int lowWater;

  private final Duration shutdownTimeout;

  /** Places for claimed workflows: one per thread, and {@link #prefetch} waiting for one. */
  private final Semaphore idle;

  private final ExecutorService workers;
  private final Thread claimer;
  private final Set<RunWatch> running = ConcurrentHashMap.newKeySet();
  private final ClaimPacing pacing;
  private volatile boolean stopping;
  private boolean closed;

  private final PoolCounts counts;

  WorkerPool(
      Machinery machinery,
      int threads,
      Duration pollInterval,
      int batchSize,
      int prefetch,
      Duration shutdownTimeout) {
    this.machinery = machinery;
    this.tables = machinery.tables;
    this.leases = machinery.leases;
    this.name = leases.newPool();
    this.threads = threads;
    this.pollInterval = pollInterval;
    this.batchSize = batchSize;
    this.prefetch = prefetch;
    this.lowWater = Math.min(prefetch, Math.max(threads / 2, prefetch / 4));
    this.shutdownTimeout = shutdownTimeout;
    this.idle = new Semaphore(threads + prefetch);
    this.pacing = new ClaimPacing(pollInterval.toMillis());
    int pool = POOLS.incrementAndGet();
    AtomicInteger worker = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            threads,
            runnable -> {
              Thread thread =
                  new Thread(runnable, "flowstate-worker-" + pool + "-" + worker.incrementAndGet());
              thread.setDaemon(true); // a JVM that exits without close() acts like a crash
              return thread;
            });
    this.claimer = new Thread(this::claimLoop, "flowstate-claimer-" + pool);
    claimer.setDaemon(true);
    this.counts = new PoolCounts(name, tables, leases);
  }

  void begin() {
    Instant now = leases.now();
    counts.started(threads, now);
    try {
      tables.workers().forgetWorkers(now.minus(Duration.ofDays(7))); // pools long gone
    } catch (RuntimeException e) {
      LOG.debug("could not forget old worker rows: {}", e.toString());
    }
    int connections = machinery.maxConnections();
    if (connections > 0 && connections < threads + 2) {
      LOG.warn(
          "worker pool {}: {} threads share {} connections; threads whose tasks use the run's"
              + " transaction wait for one. Build the Flowstate with maxConnections({})",
          name,
          threads,
          connections,
          threads + 2);
    }
    counts.report(now, false);
    forget = machinery.started(this::wake, this::close);
    claimer.start();
    LOG.info(
        "worker pool {} started: {} threads, {} claimed ahead, batches of {}, polling at most"
            + " every {} ms",
        name,
        threads,
        prefetch,
        batchSize,
        pollInterval.toMillis());
  }

  /**
   * @return the pool's name, which the workflows it holds carry as their owner ({@code
   *     fs_workflow.owner}) and which names its row in {@code fs_worker}
   */
  public String name() {
    return name;
  }

  /**
   * @return what the pool has done so far
   */
  public WorkerStats stats() {
    return counts.stats(running.size());
  }

  /** Work may be waiting: look now instead of at the end of the back-off. */
  void wake() {
    pacing.wake();
  }

  // ------------------------------------------------------------------ claiming

  private void claimLoop() {
    long poll = pollInterval.toMillis();
    boolean warned = false;
    while (!stopping && !Thread.currentThread().isInterrupted()) {
      Instant now = leases.now();
      counts.reportIfDue(now, stopping);
      int free = idle.availablePermits();
      if (free == 0 || waiting() > lowWater) {
        // full, or enough claimed work still waits for a thread: claim later and more at once,
        // so that a claim's commit is shared by a batch instead of spent on each workflow
        pacing.await(Math.min(poll, leases.heartbeat().toMillis())); // a finishing run wakes us
        continue;
      }
      int wanted = Math.min(free, batchSize);
      List<Claim> claims;
      try {
        long started = System.nanoTime();
        claims =
            tables
                .ownership()
                .claim(
                    name,
                    wanted,
                    now,
                    leases.until(),
                    machinery.definitions.fingerprints(),
                    machinery.timestamps.instant());
        long nanos = System.nanoTime() - started;
        int claimedNow = claims.size();
        machinery.events.tell("claimed", l -> l.claimed(name, claimedNow, nanos));
        warned = false;
      } catch (RuntimeException e) {
        if (!warned) { // once per outage, not at every poll
          LOG.warn("worker pool {} could not claim work, retrying: {}", name, e.toString());
          warned = true;
        }
        pacing.await(poll);
        continue;
      }
      long claimedAt = System.nanoTime();
      Map<UUID, WorkflowTable.Preloaded> preloaded = preload(claims);
      for (Claim claim : claims) {
        idle.acquireUninterruptibly(); // free: only the claimer takes permits
        counts.claimed.incrementAndGet();
        try {
          workers.execute(
              new Claimed(
                  claim,
                  claimedAt,
                  claim.preloaded() != null ? claim.preloaded() : preloaded.get(claim.id())));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          handBack(claim); // close() shut the threads down while this claim was on its way
        }
      }
      pacing.afterClaim(claims.size(), wanted);
    }
  }

  /** Claimed workflows no thread has started yet. */
  private int waiting() {
    return ((java.util.concurrent.ThreadPoolExecutor) workers).getQueue().size();
  }

  /**
   * The claimed workflows' rows and object counts in one read for the batch, so that their runs
   * start without reading them one by one; when it fails, each run reads its own (and names what is
   * wrong with a row edited by hand).
   */
  private Map<UUID, WorkflowTable.Preloaded> preload(List<Claim> claims) {
    // on PostgreSQL the claim returned them; a row it could not decode is read by its run
    if (claims.isEmpty() || tables.ownership().claimReturnsRows()) {
      return Map.of();
    }
    try {
      return tables.workflows().preload(claims.stream().map(Claim::id).toList());
    } catch (RuntimeException e) {
      LOG.debug("worker pool {}: claimed rows not read ahead: {}", name, e.toString());
      return Map.of();
    }
  }

  /** A claimed workflow waiting for (or given) a thread: close() hands the waiting ones back. */
  private final class Claimed implements Runnable {
    final Claim claim;
    final long at;
    final WorkflowTable.Preloaded preloaded;

    Claimed(Claim claim, long at, WorkflowTable.Preloaded preloaded) {
      this.claim = claim;
      this.at = at;
      this.preloaded = preloaded;
    }

    @Override
    public void run() {
      WorkerPool.this.run(claim, at, preloaded);
    }
  }

  /** Gives an unstarted claim back as it was before it (NEW again if the claim started it). */
  private void release(Claim claim) {
    if (claim.started()) {
      tables.ownership().releaseStartedClaim(claim.id(), name, machinery.timestamps.instant());
    } else {
      tables.ownership().releaseClaim(claim.id(), name);
    }
  }

  /** Releases the claimed workflows no thread has started, at once: any pool may take them. */
  private void releaseWaiting() {
    List<Runnable> waiting = new java.util.ArrayList<>();
    ((java.util.concurrent.ThreadPoolExecutor) workers).getQueue().drainTo(waiting);
    for (Runnable r : waiting) {
      handBack(((Claimed) r).claim);
    }
  }

  /** Releases one claimed workflow no thread started, counted as released. */
  private void handBack(Claim claim) {
    try {
      release(claim);
    } catch (RuntimeException e) {
      // its lease expires instead, then any pool takes it
      LOG.warn(
          "worker pool {}: could not hand back workflow {}: {}", name, claim.id(), e.toString());
    }
    counts.released.incrementAndGet();
    idle.release();
  }

  private void run(Claim claim, long claimedAt, WorkflowTable.Preloaded preloaded) {
    try {
      if (stopping || System.nanoTime() - claimedAt > leases.lease().toNanos() / 2) {
        // closing, or it waited for a thread so long that its lease is at risk: any pool may
        // take it now (this one, at its next claim)
        release(claim);
        counts.released.incrementAndGet();
        return;
      }
      DbWorkflowEngine<?> engine;
      try {
        engine =
            machinery.loadClaimed(
                claim.id(), claim.definitionName(), name, preloaded, claim.started());
      } catch (OwnershipException lost) {
        // the claim's lease ran out before this thread got to it, and another pool took it
        counts.released.incrementAndGet();
        return;
      } catch (RuntimeException e) {
        cannotStart(claim, e);
        return;
      }
      RunWatch saves = engine.saves().watch;
      running.add(saves);
      try {
        if (stopping) {
          saves.requestYield();
        }
        engine.resume();
        (engine.hasCompleted() ? counts.completed : counts.halted).incrementAndGet();
      } catch (HaltProcessing halt) {
        counts.halted.incrementAndGet();
      } catch (Yielded handedBack) {
        counts.released.incrementAndGet();
        LOG.debug("{}", handedBack.getMessage());
      } catch (OwnershipException lost) {
        counts.released.incrementAndGet(); // another owner has it now (logged where it was found)
      } catch (RuntimeException e) {
        counts.failed.incrementAndGet();
        if (!(e
            instanceof
            WorkflowError)) { // a task's failure: logged by the save point (SavePoints.onError)
          LOG.error("worker pool {}: workflow {} failed: {}", name, claim.id(), e.toString(), e);
        }
      } finally {
        running.remove(saves);
      }
    } catch (RuntimeException | Error e) {
      counts.failed.incrementAndGet();
      LOG.error("worker pool {}: workflow {}: {}", name, claim.id(), e.toString(), e);
    } finally {
      idle.release();
      wake();
    }
  }

  /**
   * A claimed workflow that cannot be loaded (rows edited into a wrong shape, say) keeps the claim
   * until its lease ends, then a pool tries again: the lease is the back-off. The reason goes to
   * its last_error for the operator.
   */
  private void cannotStart(Claim claim, RuntimeException e) {
    String text =
        "worker pool " + name + " could not resume it (tried again when the lease ends): " + e;
    LOG.error("workflow {}: {}", claim.id(), text);
    try {
      tables.ownership().claimFailed(claim.id(), name, Columns.cut(text, Columns.LAST_ERROR));
    } catch (RuntimeException alsoFailed) {
      e.addSuppressed(alsoFailed);
    }
    counts.failed.incrementAndGet();
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * Stops the pool gracefully: no more claims; every running workflow is asked to hand itself back
   * at its next save point between two objects, and claimed ones not yet started are released;
   * waits up to the shutdown timeout. A workflow still in a task after that is not interrupted: it
   * keeps its lease while this process renews it and hands itself back at its next save point; if
   * the process ends first, the lease expires and another pool takes it over. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = true;
    }
    pacing.stop();
    running.forEach(RunWatch::requestYield);
    workers.shutdown();
    releaseWaiting();
    boolean finished;
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    try {
      claimer.join(Math.max(1, shutdownTimeout.toMillis()));
      running.forEach(RunWatch::requestYield); // any started while the claimer stopped
      releaseWaiting(); // any the claimer queued as it stopped
      finished = workers.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      LOG.warn(
          "worker pool {}: {} workflow(s) still in a task after the shutdown timeout of {} ms;"
              + " they stop at their next save point, or are taken over once this process ends"
              + " and their leases expire",
          name,
          running.size(),
          shutdownTimeout.toMillis());
      // not interrupted: a task cut short would fail its workflow (ERROR waits for a person),
      // while one left alone either reaches its save point and hands the workflow back, or dies
      // with the process and is taken over when its lease ends
    }
    forget.run();
    counts.reportQuietly(leases.now(), true);
    LOG.info("worker pool {} stopped: {}", name, stats());
  }
}
