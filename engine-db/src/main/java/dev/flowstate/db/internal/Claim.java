package dev.flowstate.db.internal;

import java.util.UUID;

/**
 * A workflow a worker pool claimed: it now names the pool as its owner, under a fresh lease.
 *
 * @param id the workflow's id
 * @param definitionName the name of its definition, to find its object type
 */
public record Claim(UUID id, String definitionName) {}
