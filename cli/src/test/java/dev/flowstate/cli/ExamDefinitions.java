package dev.flowstate.cli;

import dev.flowstate.db.DefinitionProvider;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;

/**
 * The tests' definitions, found by the resume command through ServiceLoader; self-contained, so
 * that a new process started with {@code --classpath target/test-classes} can load them.
 */
public final class ExamDefinitions implements DefinitionProvider {

  /** A subject's grade. */
  public static final class Grade {
    public String subject;
    public int grade;

    public Grade() {}

    public Grade(String subject, int grade) {
      this.subject = subject;
      this.grade = grade;
    }
  }

  /** Halts on a grade below 10, fails on one below 0. */
  static final Flow<Grade> EXAM =
      Flow.of(
          Task.named(
              "check",
              (g, e) -> {
                if (g.grade < 0) {
                  throw new IllegalStateException("a grade below 0 cannot be");
                }
                if (g.grade < 10) {
                  e.halt("failed " + g.subject + " with " + g.grade, "retake", g.grade);
                }
              }));

  /** Takes a tenth of a second per object: long enough for the progress display. */
  static final Flow<Grade> SLOW =
      Flow.of(
          Task.named(
              "wait",
              (g, e) -> {
                try {
                  Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                  Thread.currentThread().interrupt();
                }
              }));

  @Override
  public void register(Flowstate flowstate) {
    flowstate.register("exam", Grade.class, EXAM);
    flowstate.register("slow", Grade.class, SLOW);
  }
}
