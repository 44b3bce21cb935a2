package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.OwnershipException;
import dev.flowstate.db.WorkflowStatus;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Who holds a workflow: the worker pools' claims (and their hand-backs), the leases the heartbeat
 * renews, the marks of stalled runs, and the errors that say who holds a workflow another engine
 * wanted.
 */
public final class Ownership {

  private final Store sessions;
  private final Dialect dialect;

  Ownership(Store sessions, Dialect dialect) {
    this.sessions = sessions;
    this.dialect = dialect;
  }

  /**
   * Claims up to {@code limit} runnable workflows for a worker pool, in one transaction (see {@link
   * Dialect#claim}).
   */
  public List<Claim> claim(
      String owner,
      int limit,
      Instant now,
      Instant until,
      Map<String, String> definitions,
      Instant stamp) {
    if (definitions.isEmpty() || limit < 1) {
      return List.of();
    }
    return sessions.inTransaction(
        em -> dialect.claim(em, owner, limit, now, until, definitions, stamp));
  }

  /** Whether a claim returns what its runs need to start (see {@link Dialect#claimReturnsRows}). */
  public boolean claimReturnsRows() {
    return dialect.claimReturnsRows();
  }

  /**
   * Gives a claimed workflow that did not start back: it names nobody and is free for any pool (due
   * or interrupted as before).
   */
  public void releaseClaim(UUID id, String owner) {
    sessions.inTransaction(
        em ->
            em.createQuery(
                    "update WorkflowEntity w set w.owner = null, w.leaseUntil = null,"
                        + " w.version = w.version + 1 where w.id = :id and w.owner = :owner")
                .setParameter("id", id)
                .setParameter("owner", owner)
                .executeUpdate());
  }

  /**
   * Gives back a claimed workflow whose claim also started its run ({@link Claim#started()}) but
   * that no thread ran: back to {@code NEW} and due, its first object back to {@code INITIAL}, as
   * before the claim, in one transaction; nothing is left reading RUNNING.
   */
  public void releaseStartedClaim(UUID id, String owner, Instant now) {
    sessions.inTransaction(
        em -> {
          int released =
              em.createQuery(
                      "update WorkflowEntity w set w.owner = null, w.leaseUntil = null,"
                          + " w.status = :new, w.tokenPos = -1, w.resumeAt = :now,"
                          + " w.version = w.version + 1 where w.id = :id and w.owner = :owner"
                          + " and w.status = :running and w.tokenPos = 0")
                  .setParameter("new", WorkflowStatus.NEW)
                  .setParameter("now", now)
                  .setParameter("id", id)
                  .setParameter("owner", owner)
                  .setParameter("running", WorkflowStatus.RUNNING)
                  .executeUpdate();
          if (released == 1) {
            em.createQuery(
                    "update ObjectEntity o set o.status = :initial, o.version = o.version + 1"
                        + " where o.workflowId = :id and o.pos = 0 and o.status = :running")
                .setParameter("initial", ObjectStatus.INITIAL)
                .setParameter("id", id)
                .setParameter("running", ObjectStatus.RUNNING)
                .executeUpdate();
          }
          return released;
        });
  }

  /**
   * A claimed workflow could not be run: the reason goes to its last_error and the claim is kept
   * until its lease ends, when a pool tries again (the lease is the back-off).
   */
  public void claimFailed(UUID id, String owner, String lastError) {
    sessions.inTransaction(
        em ->
            em.createQuery(
                    "update WorkflowEntity w set w.lastError = :lastError"
                        + " where w.id = :id and w.owner = :owner")
                .setParameter("lastError", lastError)
                .setParameter("id", id)
                .setParameter("owner", owner)
                .executeUpdate());
  }

  /** Who holds a workflow: its row's owner and lease end (both null when nobody does). */
  public record Holder(String owner, Instant leaseUntil) {}

  /** The workflow's owner and lease end; empty if the row is gone. */
  public Optional<Holder> holder(UUID id) {
    return sessions.withoutTransaction(em -> holder(em, id));
  }

  static Optional<Holder> holder(EntityManager em, UUID id) {
    return em.createQuery(
            "select new dev.flowstate.db.internal.Ownership$Holder(w.owner, w.leaseUntil)"
                + " from WorkflowEntity w where w.id = :id",
            Holder.class)
        .setParameter("id", id)
        .getResultStream()
        .findFirst();
  }

  /** The error of a load, resume or save refused because another engine holds a live lease. */
  public static OwnershipException heldBy(UUID id, String owner, Instant leaseUntil) {
    return new OwnershipException(
        "workflow "
            + id
            + " is held by "
            + owner
            + ", whose lease runs until "
            + leaseUntil
            + ": it is running there. If that process is gone, resume() the workflow once the"
            + " lease has expired",
        owner,
        leaseUntil,
        null);
  }

  /**
   * Renews the leases of running engines, all in one statement (in chunks of a few hundred), in a
   * transaction of its own; versions stay, so each engine's own next save still matches.
   *
   * @param held each workflow's owner as its engine knows it
   * @return the workflows whose row no longer names that owner as running it (taken over, ended)
   */
  public java.util.Set<UUID> renewLeases(Map<UUID, String> held, Instant until) {
    java.util.Set<UUID> lost = new java.util.HashSet<>();
    List<UUID> ids = new java.util.ArrayList<>(held.keySet());
    for (int from = 0; from < ids.size(); from += RENEWAL_CHUNK) {
      List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + RENEWAL_CHUNK));
      java.util.Set<String> owners = new java.util.HashSet<>();
      for (UUID id : chunk) {
        owners.add(held.get(id));
      }
      sessions.inTransaction(
          em -> {
            int renewed =
                em.createQuery(
                        "update WorkflowEntity w set w.leaseUntil = :until where w.id in :ids"
                            + " and w.owner in :owners and w.status = :running")
                    .setParameter("until", until)
                    .setParameter("ids", chunk)
                    .setParameter("owners", owners)
                    .setParameter("running", WorkflowStatus.RUNNING)
                    .executeUpdate();
            if (renewed < chunk.size()) {
              // rare: find which engines lost their workflow
              java.util.Set<UUID> still = new java.util.HashSet<>();
              for (Object[] row :
                  em.createQuery(
                          "select w.id, w.owner from WorkflowEntity w where w.id in :ids"
                              + " and w.status = :running",
                          Object[].class)
                      .setParameter("ids", chunk)
                      .setParameter("running", WorkflowStatus.RUNNING)
                      .getResultList()) {
                if (row[1] != null && row[1].equals(held.get((UUID) row[0]))) {
                  still.add((UUID) row[0]);
                }
              }
              for (UUID id : chunk) {
                if (!still.contains(id)) {
                  lost.add(id);
                }
              }
            }
            return null;
          });
    }
    return lost;
  }

  private static final int RENEWAL_CHUNK = 500;

  /**
   * Marks a run stalled (since when, in which task), or clears the mark with nulls, while the row
   * names {@code owner} as running it; the version stays, so the run's own next save still matches
   * (and clears it).
   */
  public void markStalled(UUID id, String owner, Instant since, String task) {
    sessions.inTransaction(
        em ->
            em.createQuery(
                    "update WorkflowEntity w set w.stalledSince = :since, w.stalledTask = :task"
                        + " where w.id = :id and w.owner = :owner and w.status = :running")
                .setParameter("since", since)
                .setParameter("task", task)
                .setParameter("id", id)
                .setParameter("owner", owner)
                .setParameter("running", WorkflowStatus.RUNNING)
                .executeUpdate());
  }

  /** How many running workflows have no live lease, and how many are marked stalled. */
  public record StuckCounts(long interrupted, long stalled) {}

  /**
   * How many running workflows have no live lease at {@code now} (their process died or handed them
   * back; a pool takes them over), and how many are marked stalled: one query.
   */
  public StuckCounts stuckCounts(Instant now) {
    Object[] counts =
        sessions.withoutTransaction(
            em ->
                em.createQuery(
                        "select coalesce(sum(case when w.leaseUntil is null or w.leaseUntil < :now"
                            + " then 1 else 0 end), 0), coalesce(sum(case when w.stalledSince is"
                            + " not null then 1 else 0 end), 0) from WorkflowEntity w where"
                            + " w.status = :running",
                        Object[].class)
                    .setParameter("now", now)
                    .setParameter("running", WorkflowStatus.RUNNING)
                    .getSingleResult());
    return new StuckCounts(((Number) counts[0]).longValue(), ((Number) counts[1]).longValue());
  }
}
