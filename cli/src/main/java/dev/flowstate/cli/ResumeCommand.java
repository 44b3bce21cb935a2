package dev.flowstate.cli;

import picocli.CommandLine.Command;

@Command(
    name = "resume",
    description =
        "Continue a stored workflow where it stopped (after a halt: right after the halting"
            + " task; after a crash: where its object's run began), in this process.",
    footer = "Example: ./flowstate resume 6f1c… --classpath my-definitions.jar")
final class ResumeCommand extends RunCommand {
  @Override
  void run(dev.flowstate.db.DbWorkflowEngine<?> engine) {
    engine.resume();
  }
}
