package dev.flowstate.db;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stored workflow as the query API reads it ({@link Flowstate#workflows(WorkflowQuery)}, {@link
 * Flowstate#workflow(UUID)}): a snapshot of its row and the count of its objects by status. Plain
 * data, immutable.
 *
 * @param id the workflow's id
 * @param definitionName the name of its registered definition
 * @param definitionFingerprint the fingerprint of the definition it was stored with (a load
 *     compares it with the registered one's)
 * @param status its status
 * @param statusLabel its status as an operator reads it, the label of the {@code
 *     fs_workflow_status} view: {@code Interrupted} for a RUNNING workflow whose lease has run out
 *     (by the database's clock), {@code Stalled} for one marked stalled, else the status in words
 *     ({@code New}, {@code Running}, {@code Halted}, {@code Error}, {@code Completed})
 * @param tokenPos the position of its current object (-1 before the first)
 * @param callbackPos the task position, one index per nesting level
 * @param extraData its extra data, each value of the type a task stored (engine-db/README.md: "What
 *     comes back after a load")
 * @param haltMessage the message of the halt, stop or abort that ended its last run, or null
 * @param haltAction the action the halt asked for, or null
 * @param haltPayload the halt's payload as plain JSON values, or null
 * @param lastError what failed, or null
 * @param endedBy how its last run ended, which {@link DbWorkflowEngine#resume()} follows: {@code
 *     HALT}, {@code RETRY} (a halt asking for its task to run again after a delay), {@code STOP},
 *     {@code ABORT}, {@code ERROR} (a task failed), {@code SAVE_ERROR} (a save failed); null while
 *     new, running or completed
 * @param owner the engine or worker pool holding it (a run, or a pool's claim), or null
 * @param leaseUntil when the owner's hold ends unless renewed, or null; a RUNNING workflow whose
 *     lease has passed was interrupted
 * @param resumeAt when a worker pool is to resume it (submitted, requested, or a retry's delay), or
 *     null
 * @param objectsByStatus how many of its objects have each status (statuses with none left out)
 * @param createdAt when it was stored
 * @param modifiedAt when it was last saved
 */
public record StoredWorkflow(
    UUID id,
    String definitionName,
    String definitionFingerprint,
    WorkflowStatus status,
    String statusLabel,
    int tokenPos,
    List<Integer> callbackPos,
    Map<String, Object> extraData,
    String haltMessage,
    String haltAction,
    Object haltPayload,
    String lastError,
    String endedBy,
    String owner,
    Instant leaseUntil,
    Instant resumeAt,
    Map<ObjectStatus, Long> objectsByStatus,
    Instant createdAt,
    Instant modifiedAt) {

  /**
   * @return how many objects the workflow has
   */
  public long objects() {
    long total = 0;
    for (long count : objectsByStatus.values()) {
      total += count;
    }
    return total;
  }
}
