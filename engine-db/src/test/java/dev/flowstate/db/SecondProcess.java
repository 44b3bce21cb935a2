package dev.flowstate.db;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.Task;
import java.util.List;

/**
 * The other process of {@link CrossProcessContract}: opens the database it is given, starts
 * workflows that halt (or crashes the JVM in the middle of one) and prints their ids.
 *
 * <p>Arguments: JDBC URL, schema ("-" for the default), mode: {@code halt N} (N workflows, each
 * halted on B), {@code crash} (dies on C, durable mode) or {@code crash-checkpoint} (dies on D,
 * checkpoint every 2), {@code halt-resume-crash[-checkpoint]} (halts on B, resumes, dies in B's
 * task 3) or {@code hold} (keeps the database open until stdin closes).
 */
public final class SecondProcess {

  /** The object on which the JVM dies in task 2; only the second process sets it. */
  static volatile String crashOn;

  /** The object on which the JVM dies in task 3; only the second process sets it. */
  static volatile String crashLaterOn;

  /** Over A–E: task 2 halts on B's first pass; every task records itself in the object. */
  static final Flow<Doc> FLOW =
      Flow.of(
          SavePointsContract.rec("0"),
          Flow.of(
              SavePointsContract.rec("1"),
              Task.named(
                  "2",
                  (d, e) -> {
                    d.seen.add("2");
                    if (d.name.equals(crashOn)) {
                      Runtime.getRuntime().halt(42); // no hooks, no finally: as a kill -9
                    }
                    if (d.name.equals("B") && d.seen.size() == 3) {
                      e.extraData().put("haltedBy", "process 2");
                      e.halt("stop here");
                    }
                  }),
              Task.named(
                  "3",
                  (d, e) -> {
                    d.seen.add("3");
                    if (d.name.equals(crashLaterOn)) {
                      Runtime.getRuntime().halt(42);
                    }
                  })),
          SavePointsContract.rec("4"));

  /** A parent whose runWorkflow child halts the first time it runs (its extra data counts runs). */
  static final Flow<Doc> NESTED =
      Flow.of(
          SavePointsContract.rec("p1"),
          dev.flowstate.engine.patterns.Patterns.runWorkflow(
              Flow.<Doc>of(
                  Task.named(
                      "count",
                      (d, e) ->
                          e.extraData().merge("runs", 1, (x, y) -> (Integer) x + (Integer) y)),
                  Task.named(
                      "gate",
                      (d, e) -> {
                        d.seen.add("gate");
                        if (e.extraData().get("runs").equals(1)) {
                          e.halt("child needs review");
                        }
                      })),
              (d, e) -> List.of(new Doc("part of " + d.name, 0)),
              "child",
              false),
          SavePointsContract.rec("p2"));

  private SecondProcess() {}

  public static void main(String[] args) {
    String schema = args[1].equals("-") ? null : args[1];
    Flowstate flowstate =
        Flowstate.builder()
            .jdbcUrl(args[0])
            .schema(schema)
            .build()
            .register("cross", Doc.class, FLOW)
            .register("nested", Doc.class, NESTED);
    switch (args[2]) {
      case "halt" -> {
        for (int i = 0; i < Integer.parseInt(args[3]); i++) {
          DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("cross", Doc.class);
          try {
            engine.process(Doc.docs("A", "B", "C", "D", "E"));
            throw new AssertionError("no halt");
          } catch (HaltProcessing expected) {
            System.out.println("id " + engine.id());
          }
        }
      }
      case "crash", "crash-checkpoint" -> {
        DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("cross", Doc.class);
        System.out.println("id " + engine.id());
        System.out.flush();
        crashOn = args[2].equals("crash") ? "C" : "D";
        if (args[2].equals("crash-checkpoint")) {
          engine.setCheckpointEvery(2);
        }
        engine.process(Doc.docs("A", "X", "C", "D", "E"));
        throw new AssertionError("no crash");
      }
      case "halt-resume-crash", "halt-resume-crash-checkpoint" -> {
        // halts on B at task 2, resumes right after it, and dies in B's task 3
        DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("cross", Doc.class);
        System.out.println("id " + engine.id());
        System.out.flush();
        if (args[2].endsWith("checkpoint")) {
          engine.setCheckpointEvery(2);
        }
        try {
          engine.process(Doc.docs("A", "B", "C", "D", "E"));
          throw new AssertionError("no halt");
        } catch (HaltProcessing expected) {
          crashLaterOn = "B";
          engine.resume();
        }
        throw new AssertionError("no crash");
      }
      case "child-halt" -> {
        DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("nested", Doc.class);
        try {
          engine.process(Doc.docs("A", "B"));
          throw new AssertionError("no halt");
        } catch (HaltProcessing expected) {
          System.out.println("id " + engine.id());
        }
      }
      case "hold" -> {
        // keeps the database open until this process's stdin closes
        System.out.println("ready");
        System.out.flush();
        try {
          while (System.in.read() >= 0) {
            // wait
          }
        } catch (java.io.IOException e) {
          // closed: end
        }
      }
      default -> throw new IllegalArgumentException("unknown mode " + args[2]);
    }
    flowstate.close();
    System.exit(0);
  }
}
