package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import java.time.Instant;
import java.util.List;

/**
 * How one object's run ended, as a commit writes it: its row and, with history on, a run row.
 *
 * @param pos the object's position
 * @param status the status to store, or null to keep the stored one
 * @param data the data as JSON, or null to keep the stored data
 * @param callbackPos the task position to store (of a halt or an error), or null
 * @param errorText the error text to store, or null
 * @param startedAt when its run began, or null if unknown
 * @param endedAt when it ended
 * @param outcome the history outcome (COMPLETED, HALTED, ERROR, ...)
 */
public record ObjectEnd(
    int pos,
    ObjectStatus status,
    String data,
    List<Integer> callbackPos,
    String errorText,
    Instant startedAt,
    Instant endedAt,
    String outcome) {}
