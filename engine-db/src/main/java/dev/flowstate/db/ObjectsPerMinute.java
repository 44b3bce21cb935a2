package dev.flowstate.db;

import java.time.Instant;

/**
 * How many object runs ended in one minute, from the history.
 *
 * @param minute the minute's start
 * @param completed runs that completed their object
 * @param failed runs that ended with an error
 */
public record ObjectsPerMinute(Instant minute, long completed, long failed) {}
