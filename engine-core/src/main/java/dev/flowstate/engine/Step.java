package dev.flowstate.engine;

/**
 * One element of a definition: either a {@link Task} or a nested block ({@link Flow}).
 *
 * <p>The type is sealed so that the engine can tell the two apart without a third case.
 *
 * @param <T> the type of the objects the workflow runs on
 */
public sealed interface Step<T> permits Task, Flow {}
