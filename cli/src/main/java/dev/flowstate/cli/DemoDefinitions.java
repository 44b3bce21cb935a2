package dev.flowstate.cli;

import static dev.flowstate.engine.patterns.Patterns.ifElse;

import dev.flowstate.db.DefinitionProvider;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The definitions of {@code ./flowstate demo}: the exam of the reference documentation's
 * "Storage-capable engine". Built into the command line, so that {@code ./flowstate resume} of a
 * demo workflow works in any new process without {@code --classpath}; the name is one users' own
 * definitions will not take.
 */
public final class DemoDefinitions implements DefinitionProvider {

  /** The stored name of the exam definition. */
  public static final String EXAM = "demo-exam";

  /** The lowest passing grade. */
  static final int PASS = 5;

  /** The grade Zack gets when he re-takes a test. */
  static final int RETAKEN = 5;

  /** One test's grade: the object the exam runs on, stored as JSON. */
  public static final class Grade {
    /** The test's number, from 1. */
    public int test;

    /** The grade, from 1 to 6; below 5 fails. */
    public int grade;

    /** For Jackson. */
    public Grade() {}

    Grade(int test, int grade) {
      this.test = test;
      this.grade = grade;
    }
  }

  /**
   * The check: a passing grade is reported; a failing one halts until Zack re-takes the test, and
   * the run resumed after the halt records the re-taken grade.
   *
   * @param say where the tasks tell what they checked
   */
  static Flow<Grade> exam(Consumer<String> say) {
    return Flow.of(
        ifElse(
            (g, e) -> g.grade >= PASS,
            Task.named(
                "pass",
                (g, e) -> say.accept("  test #" + g.test + ": grade " + g.grade + ", passed")),
            Flow.of(
                Task.named(
                    "fail",
                    (g, e) -> {
                      say.accept("  test #" + g.test + ": grade " + g.grade + ", failed");
                      e.halt(
                          "test #" + g.test + " failed with " + g.grade + ": Zack must re-take it",
                          "retake",
                          Map.of("test", g.test));
                    }),
                Task.named(
                    "retake",
                    (g, e) -> {
                      g.grade = RETAKEN;
                      say.accept("  test #" + g.test + " re-taken: grade " + g.grade + ", passed");
                    }))));
  }

  /**
   * Zack's trick from the reference: the same name, but every failing grade is amended to a pass.
   * Its fingerprint differs, so a stored exam refuses it.
   */
  static Flow<Grade> amendingExam() {
    return Flow.of(
        ifElse(
            (g, e) -> g.grade >= PASS,
            Task.named("pass", (g, e) -> {}),
            Task.named("amend", (g, e) -> g.grade = PASS)));
  }

  @Override
  public void register(Flowstate flowstate) {
    flowstate.register(EXAM, Grade.class, exam(System.out::println));
  }
}
