package dev.flowstate.engine;

import static dev.flowstate.engine.patterns.Patterns.ifThen;

import java.io.PrintStream;
import java.util.List;

/**
 * The demo run by {@code ./flowstate demo}: the reference's exam story. Six grades are checked in
 * order; a failing grade halts the workflow; someone amends it and the workflow goes on right after
 * the halting task, until every grade has passed.
 */
public final class Demo {

  /** A grade of one test. */
  static final class Grade {
    final int test;
    int value;

    Grade(int test, int value) {
      this.test = test;
      this.value = value;
    }

    @Override
    public String toString() {
      return String.valueOf(value);
    }
  }

  private Demo() {}

  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    Task<Grade> check =
        Task.named("check", (g, e) -> out.printf("checking test #%d: grade %d%n", g.test, g.value));
    Task<Grade> halt =
        Task.named("fail", (g, e) -> e.halt("test #" + g.test + " failed", "retake", g.value));
    Flow<Grade> definition = Flow.of(check, ifThen((g, e) -> g.value < 5, halt));

    List<Grade> grades =
        List.of(
            new Grade(1, 6),
            new Grade(2, 5),
            new Grade(3, 4),
            new Grade(4, 5),
            new Grade(5, 2),
            new Grade(6, 6));
    WorkflowEngine<Grade> engine = new WorkflowEngine<>(definition);
    try {
      engine.process(grades);
    } catch (HaltProcessing halted) {
      while (true) {
        out.printf(
            "HALTED: %s (action %s) at object %d, task %s %s%n",
            halted.message(),
            halted.action(),
            engine.state().tokenPos(),
            engine.state().callbackPos(),
            engine.currentTaskName());
        engine.currentObject().orElseThrow().value = 5; // the retake
        out.println("amended the grade to 5; restart(CURRENT, NEXT)");
        try {
          engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);
          break;
        } catch (HaltProcessing again) {
          halted = again;
        }
      }
    }
    out.printf("FINISHED: completed=%s, grades %s%n", engine.hasCompleted(), grades);
  }
}
