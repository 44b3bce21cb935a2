package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.engine.EngineState;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.FlowstateException;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import dev.flowstate.migrations.DatabaseKind;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random runs through the database against the in-memory engine: random halts and task failures
 * (each once), random choices of how to continue after a halt (resume() or the halting task again),
 * random failed commits (injected at save points, then resume()), durable or checkpoint mode. At
 * every halt, failure and the end, the stored workflow row (status, positions) and every stored
 * object equal what the in-memory engine reached with the same choices; a failed commit only ever
 * replays from the last commit, and the runs end alike. On H2, PostgreSQL and MariaDB: each has its
 * own statements for a save point's objects.
 */
class StoredStateProperties {

  private static final int TASKS = 4;
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** One database's flowstate, behind a data source that fails commits on request. */
  private record Target(TestDatabase db, FaultyDataSource faults, Flowstate flowstate) {}

  private static final Map<DatabaseKind, Target> TARGETS =
      new java.util.EnumMap<>(DatabaseKind.class);

  private static synchronized Target target(DatabaseKind kind) throws Exception {
    Target target = TARGETS.get(kind);
    if (target == null) {
      TestDatabase db =
          switch (kind) {
            case H2 -> TestDatabase.h2(Files.createTempDirectory("flowstate-properties"));
            case POSTGRESQL -> TestDatabase.postgres();
            default -> TestDatabase.mariadb();
          };
      FaultyDataSource faults = new FaultyDataSource(db.dataSource());
      target =
          new Target(
              db, faults, Flowstate.builder().dataSource(faults).schema(db.schema()).build());
      TARGETS.put(kind, target);
    }
    return target;
  }

  @AfterContainer
  static synchronized void close() throws Exception {
    for (Target target : TARGETS.values()) {
      target.flowstate().close();
      target.db().drop();
    }
    TARGETS.clear();
  }

  enum Kind {
    HALT,
    FAIL
  }

  /**
   * [t0, [t1, t2], t3]; task i on object j halts or fails the first time it runs there, as planned
   * (a mark in the object's data remembers it).
   */
  static Flow<Doc> definition(Map<String, Kind> events) {
    Task<Doc>[] tasks = tasks(events);
    return Flow.of(tasks[0], Flow.of(tasks[1], tasks[2]), tasks[3]);
  }

  @SuppressWarnings("unchecked")
  private static Task<Doc>[] tasks(Map<String, Kind> events) {
    Task<Doc>[] tasks = new Task[TASKS];
    for (int i = 0; i < TASKS; i++) {
      String label = "t" + i;
      int task = i;
      tasks[i] =
          Task.named(
              label,
              (d, e) -> {
                d.seen.add(label);
                String key = e.state().tokenPos() + ":" + task;
                Kind kind = events.get(key);
                // once per object's stored progress: a replay from an earlier commit, which
                // lost the mark, meets the event again, as the run it replays did
                if (kind != null && !d.seen.contains("!" + key)) {
                  d.seen.add("!" + key);
                  if (kind == Kind.HALT) {
                    e.halt(key);
                  }
                  throw new IllegalStateException("planned failure " + key);
                }
              });
    }
    return tasks;
  }

  /** What a step ended in, and the state then. */
  record Step(String outcome, EngineState state, List<List<String>> objects) {}

  /** One random run: its seed, objects, planned events, failed commits and checkpoint mode. */
  record Plan(long seed, int objectCount, int eventCount, int failedCommits, int checkpointEvery) {}

  @Provide
  Arbitrary<Plan> plans() {
    return Combinators.combine(
            Arbitraries.longs(),
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(1, 3))
        .as(Plan::new);
  }

  @Property(tries = 40)
  void storedStateFollowsTheInMemoryEngine_throughHaltsFailuresAndFailedCommits_onH2(
      @ForAll("plans") Plan plan) throws Exception {
    check(DatabaseKind.H2, plan);
  }

  @Property(tries = 25)
  void storedStateFollowsTheInMemoryEngine_throughHaltsFailuresAndFailedCommits_onPostgres(
      @ForAll("plans") Plan plan) throws Exception {
    check(DatabaseKind.POSTGRESQL, plan);
  }

  @Property(tries = 25)
  void storedStateFollowsTheInMemoryEngine_throughHaltsFailuresAndFailedCommits_onMariaDb(
      @ForAll("plans") Plan plan) throws Exception {
    check(DatabaseKind.MARIADB, plan);
  }

  private void check(DatabaseKind kind, Plan plan) throws Exception {
    long seed = plan.seed();
    int objectCount = plan.objectCount();
    int eventCount = plan.eventCount();
    int failedCommits = plan.failedCommits();
    int checkpointEvery = plan.checkpointEvery();
    Target target = target(kind);
    FaultyDataSource faults = target.faults();
    Random random = new Random(seed);
    Map<String, Kind> events = new TreeMap<>();
    for (int i = 0; i < eventCount; i++) {
      events.put(
          random.nextInt(objectCount) + ":" + random.nextInt(TASKS),
          random.nextBoolean() ? Kind.HALT : Kind.FAIL);
    }
    long choices = random.nextLong();

    // the in-memory engine, step by step
    List<Step> expected = new ArrayList<>();
    WorkflowEngine<Doc> memory = new WorkflowEngine<>(definition(events));
    List<Doc> memoryObjects = docs(objectCount);
    String outcome = step(() -> memory.process(memoryObjects));
    expected.add(new Step(outcome, memory.state(), seen(memoryObjects)));
    Random memoryChoices = new Random(choices);
    while (!outcome.equals("done")) {
      String previous = outcome;
      outcome = step(() -> continueAfter(previous, memoryChoices, memory));
      expected.add(new Step(outcome, memory.state(), seen(memoryObjects)));
    }

    // the same through the database, with failed commits thrown in
    String name = "p" + NAMES.incrementAndGet();
    Flowstate store = target.flowstate();
    store.register(name, Doc.class, definition(events));
    DbWorkflowEngine<Doc> engine = store.newWorkflow(name, Doc.class, docs(objectCount));
    engine.setCheckpointEvery(checkpointEvery);
    Random dbChoices = new Random(choices);
    int failuresLeft = failedCommits;
    String last = null;
    Runnable repeat = null;
    int compared = 0;
    for (int guard = 0; compared < expected.size(); guard++) {
      assertThat(guard).as("steps").isLessThan(100);
      if (failuresLeft > 0 && random.nextInt(3) == 0) {
        faults.failCommit(random.nextInt(3));
      }
      String previous = last;
      Runnable action;
      if (repeat != null) {
        action = repeat;
      } else if (previous == null || previous.equals("save failed")) {
        action = engine::resume;
      } else {
        boolean again = drawAgain(previous, dbChoices); // drawn once, even if the step repeats
        action = () -> continueDb(previous, again, engine);
      }
      repeat = null;
      String actual = step(action);
      faults.restore();
      if (actual.equals("save failed")) {
        failuresLeft--;
        last = actual;
        StoredWorkflow row = store.workflow(engine.id()).orElseThrow();
        if (!"SAVE_ERROR".equals(row.endedBy()) && row.status() != WorkflowStatus.RUNNING) {
          // refused at its first commit: nothing was written; a user tries the same again
          repeat = action;
        }
        continue; // otherwise resume() replays from the last commit: nothing to compare yet
      }
      Step step = expected.get(compared++);
      assertThat(actual).as("step %d", compared).isEqualTo(step.outcome());
      StoredWorkflow row = store.workflow(engine.id()).orElseThrow();
      assertThat(row.status())
          .isEqualTo(
              actual.equals("done")
                  ? WorkflowStatus.COMPLETED
                  : actual.startsWith("halt") ? WorkflowStatus.HALTED : WorkflowStatus.ERROR);
      assertThat(new EngineState(row.tokenPos(), row.callbackPos()))
          .as("stored positions at step %d", compared)
          .isEqualTo(step.state());
      List<List<String>> stored = new ArrayList<>();
      for (StoredObject<Doc> object : store.objects(engine.id(), Doc.class, null, 0, 100)) {
        stored.add(object.data().seen);
      }
      assertThat(stored).as("stored objects at step %d", compared).isEqualTo(step.objects());
      last = actual;
    }
  }

  /** After a halt: true to run the halting task again, false for resume() (right after it). */
  private static boolean drawAgain(String outcome, Random choices) {
    return outcome.startsWith("halt") && choices.nextBoolean();
  }

  private static void continueAfter(String outcome, Random choices, WorkflowEngine<Doc> memory) {
    boolean again = drawAgain(outcome, choices);
    memory.restart(
        RestartPosition.CURRENT,
        outcome.startsWith("fail") || again ? RestartPosition.CURRENT : RestartPosition.NEXT);
  }

  private static void continueDb(String outcome, boolean again, DbWorkflowEngine<Doc> engine) {
    if (again) {
      engine.restart(RestartPosition.CURRENT, RestartPosition.CURRENT);
    } else {
      engine.resume(); // after a halt: right after the halting task; after a failure: that task
    }
  }

  private static String step(Runnable run) {
    try {
      run.run();
      return "done";
    } catch (HaltProcessing halt) {
      return "halt " + halt.message();
    } catch (FlowstateException error) {
      for (Throwable t = error; t != null; t = t.getCause()) {
        if (String.valueOf(t.getMessage()).startsWith("injected: ")) {
          // a failed commit: a run refused at its start, or one that took its error path
          return "save failed";
        }
      }
      if (error instanceof WorkflowError && error.getCause() != null) {
        return "fail " + error.getCause().getMessage();
      }
      throw error;
    } catch (IllegalStateException failure) {
      return "fail " + failure.getMessage();
    }
  }

  private static List<Doc> docs(int count) {
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      docs.add(new Doc("o" + i, 0));
    }
    return docs;
  }

  private static List<List<String>> seen(List<Doc> docs) {
    List<List<String>> seen = new ArrayList<>();
    for (Doc doc : docs) {
      seen.add(new ArrayList<>(doc.seen));
    }
    return seen;
  }
}
