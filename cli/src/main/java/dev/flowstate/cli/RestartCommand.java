package dev.flowstate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "restart",
    description = "Restart a stored workflow at a chosen object and task, in this process.",
    footer = "Example: ./flowstate restart 6f1c… --obj current --task first")
final class RestartCommand extends RunCommand {
  @Option(names = "--obj", required = true, description = "which object: ${COMPLETION-CANDIDATES}")
  dev.flowstate.engine.RestartPosition object;

  @Option(names = "--task", required = true, description = "which task: ${COMPLETION-CANDIDATES}")
  dev.flowstate.engine.RestartPosition task;

  @Override
  void run(dev.flowstate.db.DbWorkflowEngine<?> engine) {
    engine.restart(object, task);
  }
}
