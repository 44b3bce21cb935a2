package dev.flowstate.db;

import java.time.Instant;

/**
 * What an operator asked of a workflow, as {@link WorkflowActions} recorded it: shown in the
 * workflow's history beside its objects' runs.
 *
 * @param requestedAt when it was asked (the database's time)
 * @param action what was asked: {@code RESUME}
 * @param resumeAt when the workflow was to be resumed (the request's time for "now")
 * @param requestedBy who asked: the operator's name
 * @param requestedFrom where from, e.g. the address of the dashboard's client, or null
 */
public record WorkflowAction(
    Instant requestedAt,
    String action,
    Instant resumeAt,
    String requestedBy,
    String requestedFrom) {}
