package dev.flowstate.engine.patterns;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Step;

/**
 * One branch of a {@link Patterns#choice}: runs {@code branch} when the arbiter returns {@code
 * value}. Build with {@link Patterns#when(Object, Step)}.
 *
 * @param <T> the object type
 * @param value the arbiter's result that selects this branch (compared with {@code equals})
 * @param branch the task or block to run
 */
public record Case<T>(Object value, Step<T> branch) {

  /**
   * @throws DefinitionError if the branch is {@code null}
   */
  public Case {
    if (branch == null) {
      throw new DefinitionError("the branch for choice value '" + value + "' is null");
    }
  }
}
