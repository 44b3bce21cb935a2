package dev.flowstate.cli;

import dev.flowstate.db.DefinitionProvider;
import dev.flowstate.db.Flowstate;

/** The tests' definitions, found by the resume command through ServiceLoader. */
public final class ExamDefinitions implements DefinitionProvider {
  @Override
  public void register(Flowstate flowstate) {
    flowstate.register("exam", CliContract.Grade.class, CliContract.EXAM);
  }
}
