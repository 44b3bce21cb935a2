/**
 * The flowstate engine: runs a definition (a nested list of tasks) over a list of objects, one
 * object at a time, and lets any task halt, stop, skip or jump; a halted run restarts exactly where
 * it stopped.
 *
 * <p>Start with {@link dev.flowstate.engine.WorkflowEngine} and {@link dev.flowstate.engine.Flow}.
 * The machine state is plain data ({@link dev.flowstate.engine.EngineState}) so that it can be
 * stored and handed to an engine in another process. Extension points are {@link
 * dev.flowstate.engine.EngineHooks}, {@link dev.flowstate.engine.TransitionTable} and {@link
 * dev.flowstate.engine.EngineListener}. Patterns (if/else, loops, choice, parallel branches,
 * retries) live in {@link dev.flowstate.engine.patterns}.
 *
 * <p>Engines are not thread-safe: one engine runs one workflow on one thread at a time.
 */
package dev.flowstate.engine;
