package dev.flowstate.cli;

/** A failure a command reports as one line (exit code 1); the cause is shown with --verbose. */
final class CliException extends RuntimeException {

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
