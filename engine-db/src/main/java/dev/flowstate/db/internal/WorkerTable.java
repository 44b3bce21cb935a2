package dev.flowstate.db.internal;

import java.time.Instant;

/** The worker pools' heartbeat rows ({@code fs_worker}). */
public final class WorkerTable {

  private final Store sessions;

  WorkerTable(Store sessions) {
    this.sessions = sessions;
  }

  /** Inserts or updates a worker pool's row. */
  public void saveWorker(WorkerEntity worker) {
    sessions.inTransaction(em -> em.merge(worker));
  }

  /** Deletes the rows of pools that stopped or vanished before {@code before}. */
  public int forgetWorkers(Instant before) {
    return sessions.inTransaction(
        em ->
            em.createQuery("delete from WorkerEntity k where k.seenAt < :before")
                .setParameter("before", before)
                .executeUpdate());
  }
}
