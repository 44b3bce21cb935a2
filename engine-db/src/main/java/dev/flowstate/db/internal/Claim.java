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
 */
public record Claim(UUID id, String definitionName, boolean started) {

  /** A claim that wrote no save point. */
  public Claim(UUID id, String definitionName) {
    this(id, definitionName, false);
  }
}
