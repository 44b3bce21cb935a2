/**
 * Workflow patterns (if/else, loops, choice, parallel branches, sub-workflows, retries) built only
 * from the public engine API: each factory in {@link dev.flowstate.engine.patterns.Patterns}
 * returns a task or a block of ordinary positions, so a halt inside a pattern resumes inside it.
 */
package dev.flowstate.engine.patterns;
