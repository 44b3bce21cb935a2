package dev.flowstate.db;

import java.time.Instant;
import java.util.List;

/**
 * One stored object of a workflow as the query API reads it ({@link Flowstate#objects}). Plain
 * data, immutable (the {@code data} object is a fresh instance read from its JSON).
 *
 * @param position its position in the workflow's list, from 0
 * @param status its status
 * @param data its data, read with Jackson as the requested type
 * @param callbackPos the task position of its halt or error, or null
 * @param errorText the error of its failed run, or null
 * @param createdAt when it was stored
 * @param modifiedAt when it was last saved
 * @param <T> the object type
 */
public record StoredObject<T>(
    int position,
    ObjectStatus status,
    T data,
    List<Integer> callbackPos,
    String errorText,
    Instant createdAt,
    Instant modifiedAt) {}
