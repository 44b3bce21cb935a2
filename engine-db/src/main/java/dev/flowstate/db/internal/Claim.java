package dev.flowstate.db.internal;

import java.util.UUID;

/**
 * A workflow a worker pool claimed: it now names the pool as its owner, under a fresh lease.
 *
 * @param id the workflow's id
 * @param definitionName the name of its definition, to find its object type
 * @param started whether the claim also wrote the run's first save point (a {@code NEW} workflow
 *     marked {@code RUNNING} at its first object, object 0 marked {@code RUNNING}), which its run
 *     then does not write again
 * @param preloaded the row and objects as the claim left them, when the claim's statement returned
 *     them (PostgreSQL), else null: the pool reads them for the batch
 */
public record Claim(
    UUID id, String definitionName, boolean started, WorkflowTable.Preloaded preloaded) {

  /** A claim that wrote no save point and returned nothing to run with. */
  public Claim(UUID id, String definitionName) {
    this(id, definitionName, false, null);
  }
}
