package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.Task;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ownership (SEMANTICS §8, issue 9) on every database: a run holds its workflow with an owner and a
 * lease, every end releases it, a live lease refuses loads and resumes, a heartbeat renews it, and
 * an engine whose workflow was taken over writes nothing more. Time comes from a clock moved by
 * hand. One subclass per database.
 */
abstract class OwnershipContract extends DatabaseTest {

  static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

  TestClock clock;

  @BeforeEach
  void open() {
    db = database();
    clock = new TestClock(START);
    flowstate = db.flowstate().clock(clock).databaseClock(clock).build();
  }

  Flowstate another() {
    Flowstate other = db.flowstate().clock(clock).databaseClock(clock).build();
    other.register("peek", Doc.class, peekFlow);
    return other;
  }

  /** What a task saw of the workflow row, each time it ran. */
  final List<String> seen = new ArrayList<>();

  /** Task "peek" records the row's status, owner (whether set) and lease; B halts once. */
  final Flow<Doc> peekFlow =
      Flow.of(
          Task.named(
              "peek",
              (d, e) -> {
                seen.addAll(
                    rows(
                        "SELECT status, CASE WHEN owner IS NULL THEN 'no owner' ELSE 'owned'"
                            + " END, CASE WHEN lease_until = "
                            + timestamp(clock.instant().plus(FlowstateBuilder.DEFAULT_LEASE))
                            + " THEN 'lease30s' ELSE 'other lease' END FROM fs_workflow"));
                if (d.name.equals("B") && d.n++ == 0) {
                  e.halt("check B");
                }
              }));

  String timestamp(Instant instant) {
    return db.timestamp(instant);
  }

  @Test
  void run_holdsItsWorkflowWithAnOwnerAndALease_andItsEndReleasesIt() throws SQLException {
    flowstate.register("peek", Doc.class, peekFlow);
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("peek", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B"))).isInstanceOf(HaltProcessing.class);
    assertThat(rows("SELECT status, owner, lease_until FROM fs_workflow"))
        .containsExactly("HALTED | null | null");
    engine.resume();

    assertThat(seen).containsExactly("RUNNING | owned | lease30s", "RUNNING | owned | lease30s");
    assertThat(rows("SELECT status, owner, lease_until FROM fs_workflow"))
        .containsExactly("COMPLETED | null | null");
  }

  @Test
  void load_whileAnotherEngineRunsTheWorkflow_isRefusedNamingTheOwnerAndTheLeaseEnd() {
    List<OwnershipException> refused = new ArrayList<>();
    UUID[] id = new UUID[1];
    flowstate.register(
        "busy",
        Doc.class,
        Flow.of(
            Task.named(
                "try to load",
                (d, e) -> {
                  try {
                    flowstate.load(id[0], Doc.class);
                  } catch (OwnershipException expected) {
                    refused.add(expected);
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("busy", Doc.class);
    id[0] = engine.id();

    engine.process(Doc.docs("A"));

    assertThat(refused).hasSize(1);
    OwnershipException e = refused.get(0);
    assertThat(e.owner()).matches(".+:\\d+:[0-9a-f]{8}#\\d+");
    assertThat(e.leaseUntil()).isEqualTo(START.plus(FlowstateBuilder.DEFAULT_LEASE));
    assertThat(e)
        .hasMessage(
            "workflow "
                + engine.id()
                + " is held by "
                + e.owner()
                + ", whose lease runs until "
                + e.leaseUntil()
                + ": it is running there. If that process is gone, resume() the workflow once the"
                + " lease has expired");
  }

  /**
   * Two engines loaded the same halted workflow and resume it at once: the first to take it runs,
   * the other is refused before running any task.
   */
  @Test
  void twoEnginesResumingTheSameHaltedWorkflow_exactlyOneRunsTasks() throws Exception {
    AtomicInteger taskRuns = new AtomicInteger();
    CountDownLatch loserDone = new CountDownLatch(1);
    flowstate.register(
        "race",
        Doc.class,
        Flow.of(
            Task.named("gate", (d, e) -> e.halt("wait")),
            Task.named(
                "work",
                (d, e) -> {
                  taskRuns.incrementAndGet();
                  loserDone.await(30, TimeUnit.SECONDS); // hold the workflow while the other tries
                })));
    DbWorkflowEngine<Doc> first = flowstate.newWorkflow("race", Doc.class);
    assertThatThrownBy(() -> first.process(Doc.docs("A"))).isInstanceOf(HaltProcessing.class);
    DbWorkflowEngine<Doc> one = flowstate.load(first.id(), Doc.class);
    DbWorkflowEngine<Doc> two = flowstate.load(first.id(), Doc.class);
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (DbWorkflowEngine<Doc> engine : List.of(one, two)) {
      threads.add(
          new Thread(
              () -> {
                try {
                  engine.resume();
                } catch (RuntimeException e) {
                  failures.add(e);
                  loserDone.countDown();
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join(60_000);
    }

    assertThat(failures).singleElement().isInstanceOf(OwnershipException.class);
    assertThat(taskRuns).hasValue(1);
    assertThat(flowstate.status(first.id())).contains(WorkflowStatus.COMPLETED);
  }

  /**
   * A run paused past its lease (here: the clock jumps a minute inside a task, as in a long GC
   * stop) while another process takes the workflow over and completes it: the first engine writes
   * nothing more and its caller gets an OwnershipException, not a task failure; the rows are the
   * second engine's.
   */
  @Test
  void engineFencedOutDuringALongTask_writesNothingMore_andTheNewOwnersRowsStand()
      throws Exception {
    UUID[] id = new UUID[1];
    boolean[] tookOver = {false};
    flowstate.register(
        "slow",
        Doc.class,
        Flow.of(
            Task.named(
                "work",
                (d, e) -> {
                  d.seen.add("first");
                  if (d.name.equals("B") && !tookOver[0]) {
                    tookOver[0] = true;
                    clock.advance(Duration.ofMinutes(1));
                    try (Flowstate other =
                        db.flowstate().clock(clock).databaseClock(clock).build()) {
                      // the other process's tasks are told apart by name (hence a changed
                      // definition, loaded on purpose)
                      other.register("slow", Doc.class, Flow.of(SavePointsContract.rec("second")));
                      other.load(id[0], Doc.class, true).resume();
                    }
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("slow", Doc.class);
    id[0] = engine.id();

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOf(OwnershipException.class)
        .hasMessageContaining("was saved by another engine since this one last saved it");

    assertThat(rows("SELECT status, owner FROM fs_workflow")).containsExactly("COMPLETED | null");
    assertThat(rows("SELECT pos, status, data FROM fs_object ORDER BY pos"))
        .containsExactly(
            "0 | COMPLETED | {\"n\":0,\"name\":\"A\",\"seen\":[\"first\"]}",
            "1 | COMPLETED | {\"n\":0,\"name\":\"B\",\"seen\":[\"second\"]}",
            "2 | COMPLETED | {\"n\":0,\"name\":\"C\",\"seen\":[\"second\"]}");
  }

  @Test
  void heartbeat_renewsTheLeaseOfALongTaskWithoutSaving() throws SQLException {
    List<String> leases = new ArrayList<>();
    flowstate.register(
        "long",
        Doc.class,
        Flow.of(
            Task.named(
                "long",
                (d, e) -> {
                  leases.addAll(
                      rows(
                          "SELECT version, CASE WHEN lease_until = "
                              + timestamp(START.plusSeconds(30))
                              + " THEN 'renewed' ELSE 'other' END"
                              + " FROM fs_workflow"));
                  clock.advance(Duration.ofSeconds(20));
                  flowstate.leases().beat();
                  leases.addAll(
                      rows(
                          "SELECT version, CASE WHEN lease_until = "
                              + timestamp(START.plusSeconds(50))
                              + " THEN 'renewed' ELSE 'other' END"
                              + " FROM fs_workflow"));
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("long", Doc.class);

    engine.process(Doc.docs("A"));

    assertThat(leases).hasSize(2);
    assertThat(leases.get(0)).endsWith(" | renewed");
    assertThat(leases.get(1)).isEqualTo(leases.get(0)); // same version, lease 20 s later
  }

  @Test
  void heartbeatThatFindsTheWorkflowTakenOver_fencesTheEngineOutAtItsNextSavePoint() {
    UUID[] id = new UUID[1];
    flowstate.register(
        "fenced",
        Doc.class,
        Flow.of(
            Task.named(
                "pause",
                (d, e) -> {
                  if (d.name.equals("A")) {
                    clock.advance(Duration.ofMinutes(1));
                    try (Flowstate other =
                        db.flowstate().clock(clock).databaseClock(clock).build()) {
                      other.register(
                          "fenced", Doc.class, Flow.of(Task.named("pause", (x, y) -> {})));
                      DbWorkflowEngine<Doc> second = other.load(id[0], Doc.class, true);
                      try {
                        second.restart(
                            dev.flowstate.engine.RestartPosition.CURRENT,
                            dev.flowstate.engine.RestartPosition.FIRST);
                      } catch (RuntimeException ignored) {
                        // not the point here
                      }
                    }
                    flowstate.leases().beat();
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("fenced", Doc.class);
    id[0] = engine.id();

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B")))
        .isInstanceOf(OwnershipException.class)
        .hasMessageContaining("was fenced out: its lease expired while it did not save")
        .satisfies(
            e -> {
              // the other engine completed the workflow and released it: nobody holds it now
              assertThat(((OwnershipException) e).owner()).isNull();
            });
  }

  @Test
  void
      engineFencedOutWhileItHalts_writesNothingClosesItsTransaction_andThrowsTheOwnershipNamingTheHolderWithTheHalt()
          throws SQLException {
    flowstate.close();
    FaultyDataSource connections = new FaultyDataSource(db.dataSource()); // counts them
    flowstate = onFaulty(connections).build();
    update("CREATE TABLE side (workflow_id VARCHAR(40), pos INT, task VARCHAR(20))");
    Instant until = START.plus(Duration.ofMinutes(10));
    flowstate.register(
        "taken",
        Doc.class,
        Flow.of(
            Task.named(
                "pause",
                (d, e) -> {
                  if (d.name.equals("B")) {
                    Worker.sideInsert(e, db.schema(), "pause"); // opens the run's transaction
                    // another engine's claim, as its statement would leave the row
                    update(
                        "UPDATE fs_workflow SET owner = 'other-engine', lease_until = "
                            + timestamp(until)
                            + ", version = version + 1");
                    flowstate.leases().beat();
                    e.halt("needs review");
                  }
                })));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("taken", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A", "B", "C")))
        .isInstanceOfSatisfying(
            OwnershipException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("was fenced out")
                  .contains("(other-engine, lease until " + until + ")");
              assertThat(e.owner()).isEqualTo("other-engine");
              assertThat(e.getSuppressed())
                  .singleElement()
                  .isInstanceOfSatisfying(
                      HaltProcessing.class, h -> assertThat(h).hasMessage("needs review"));
            });
    // the halt is not written: the row is the new holder's, as its claim left it
    assertThat(rows("SELECT status, owner, halt_message FROM fs_workflow"))
        .containsExactly("RUNNING | other-engine | null");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | RUNNING", "2 | INITIAL");
    // the run's open transaction, with the task's write, was rolled back and its connection closed
    assertThat(rows("SELECT COUNT(*) FROM side")).containsExactly("0");
    assertThat(connections.openConnections()).isZero();
  }

  /**
   * Leases are judged in the database's time: of two instances sharing a database, one whose JVM
   * clock runs 40 s off (more than the 30 s lease; ahead, as after a VM resumed from suspend, or
   * behind) neither takes over a workflow the other is running and renewing, nor lets its own lease
   * look expired to the other. The task runs once and the live run completes.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"the taker's clock ahead", "the runner's clock behind"})
  void instanceWithAClockSkewedByMoreThanTheLease_isRefusedTheWorkflowALiveInstanceRuns(
      String skewed) throws Exception {
    flowstate.close();
    java.time.Clock off =
        java.time.Clock.offset(
            java.time.Clock.systemUTC(), Duration.ofSeconds(skewed.contains("ahead") ? 40 : -40));
    java.time.Clock real = java.time.Clock.systemUTC();
    boolean takerSkewed = skewed.contains("taker");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    Flow<Doc> blocking =
        Flow.of(
            Task.named(
                "block",
                (d, e) -> {
                  runs.incrementAndGet();
                  if (d.name.equals("A")) {
                    running.countDown();
                    release.await(30, TimeUnit.SECONDS);
                  }
                }));
    flowstate = db.flowstate().clock(takerSkewed ? real : off).build();
    flowstate.register("blocking", Doc.class, blocking);
    try (Flowstate taker = db.flowstate().clock(takerSkewed ? off : real).build()) {
      taker.register("blocking", Doc.class, blocking);
      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("blocking", Doc.class);
      Throwable[] failed = new Throwable[1];
      Thread run =
          new Thread(
              () -> {
                try {
                  engine.process(Doc.docs("A", "B"));
                } catch (Throwable t) {
                  failed[0] = t;
                }
              });
      run.start();
      assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
      flowstate.leases().beat(); // a renewal by the runner, in its clock before the fix

      assertThatThrownBy(() -> taker.load(engine.id(), Doc.class))
          .isInstanceOfSatisfying(OwnershipException.class, e -> assertThat(e.owner()).isNotNull())
          .hasMessageContaining("is held by ");
      release.countDown();
      run.join(30_000);

      assertThat(failed[0]).isNull();
      assertThat(runs).hasValue(2); // A and B, once each
      assertThat(rows("SELECT status, owner FROM fs_workflow")).containsExactly("COMPLETED | null");
    }
  }

  /**
   * One heartbeat renews every running workflow of the Flowstate in one transaction, and a beat
   * whose commit fails is retried at once instead of waiting a whole heartbeat.
   */
  @Test
  void heartbeat_renewsAllRunningWorkflowsInOneCommit_andRetriesAFailedOne() throws Exception {
    flowstate.close();
    FaultyDataSource connections = new FaultyDataSource(db.dataSource());
    flowstate = onFaulty(connections).build();
    Blocking runs = new Blocking("long", "long", 2);
    String leaseAt50 =
        "SELECT COUNT(*) FROM fs_workflow WHERE lease_until = " + timestamp(START.plusSeconds(50));
    clock.advance(Duration.ofSeconds(20));

    int commits = connections.commits();
    flowstate.leases().beat();
    assertThat(connections.commits() - commits).isEqualTo(1);
    assertThat(rows(leaseAt50)).containsExactly("2");

    clock.advance(Duration.ofSeconds(10));
    connections.failCommit(0); // this beat's first commit fails; its retry goes through
    commits = connections.commits();
    flowstate.leases().beat();
    assertThat(connections.commits() - commits).isEqualTo(1);
    assertThat(
            rows(
                leaseAt50.replace(
                    timestamp(START.plusSeconds(50)), timestamp(START.plusSeconds(60)))))
        .containsExactly("2");

    runs.finish();
    assertThat(rows("SELECT status, COUNT(*) FROM fs_workflow GROUP BY status"))
        .containsExactly("COMPLETED | 2");
  }

  /**
   * A heartbeat that finds one of its workflows taken over fences out that engine only: the other
   * runs of the same beat go on, save and end.
   */
  @Test
  void heartbeatThatFindsOneOfTwoWorkflowsTakenOver_fencesOutThatOneOnly() throws Exception {
    Blocking runs = new Blocking("long", "long", 2);
    UUID taken = runs.ids.get(0);
    UUID kept = runs.ids.get(1);
    update("UPDATE fs_workflow SET owner = 'elsewhere#1' WHERE id = '" + taken + "'");

    flowstate.leases().beat();
    runs.finish();

    assertThat(rows("SELECT status, owner FROM fs_workflow WHERE id = '" + taken + "'"))
        .containsExactly("RUNNING | elsewhere#1");
    assertThat(rows("SELECT status, owner FROM fs_workflow WHERE id = '" + kept + "'"))
        .containsExactly("COMPLETED | null");
  }

  /**
   * A heartbeat that cannot renew the leases, even after its retries, tells the Flowstate's
   * listeners (metrics count it); the run goes on once the database is back.
   */
  @Test
  void heartbeatThatCannotRenewAfterItsRetries_tellsTheFlowstatesListeners() throws Exception {
    flowstate.close();
    FaultyDataSource connections = new FaultyDataSource(db.dataSource());
    flowstate =
        onFaulty(connections)
            .heartbeat(Duration.ofMillis(300))
            .lease(Duration.ofSeconds(1))
            .build();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    flowstate.addListener(
        new FlowstateListener() {
          @Override
          public void leaseRenewalFailed(int workflows, Throwable cause) {
            failures.add(workflows + " " + cause.getClass().getSimpleName());
          }
        });
    Blocking run = new Blocking("long", "long", 1);

    connections.goDown();
    try {
      flowstate.leases().beat();
    } finally {
      connections.restore();
    }
    run.finish();

    assertThat(failures).isNotEmpty().allMatch(f -> f.startsWith("1 "));
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED");
  }

  /**
   * A run without a save point for longer than stalledAfter is reported once by the heartbeat, with
   * its task and where its thread is, and shown 'Stalled' in the view with the task; the mark goes
   * at its next save point.
   */
  @Test
  void runWithoutASavePointPastStalledAfter_isLoggedAndShownStalled_untilItMovesOn()
      throws Exception {
    flowstate.close();
    flowstate = db.flowstate().stalledAfter(Duration.ofMillis(100)).build();
    Blocking run = new Blocking("hangs", "hang", 1);
    UUID id = run.ids.get(0);
    Thread.sleep(300); // past stalledAfter: no save point meanwhile

    try (LogCapture log = new LogCapture()) {
      flowstate.leases().beat();
      flowstate.leases().beat(); // once per stall, not once per beat
      assertThat(log.lines("WARN"))
          .singleElement()
          .asString()
          .contains("workflow " + id + " (hangs) has reached no save point for PT0.")
          .contains("(more than PT0.1S), at object 0, task hang: a hung task?");
      assertThat(log.text())
          .contains("java.util.concurrent.CountDownLatch.await(CountDownLatch.java");
    }
    assertThat(
            rows(
                "SELECT status_label, stalled_task, CASE WHEN stalled_since IS NULL THEN 'no'"
                    + " ELSE 'since' END FROM fs_workflow_status"))
        .containsExactly("Stalled | hang | since");
    assertThat(flowstate.stuck()).isEqualTo(new Flowstate.Stuck(0, 1));

    run.finish();
    assertThat(rows("SELECT status_label, stalled_task, stalled_since FROM fs_workflow_status"))
        .containsExactly("Completed | null | null");
    assertThat(flowstate.stuck()).isEqualTo(new Flowstate.Stuck(0, 0));
    assertThat(flowstate.schemaVersion())
        .contains(String.valueOf(dev.flowstate.migrations.FlowstateMigrations.LATEST_VERSION));
    // a process died mid-run: RUNNING with its lease passed
    update(
        "UPDATE fs_workflow SET status = 'RUNNING', owner = 'gone', lease_until = "
            + timestamp(START.minusSeconds(1)));
    assertThat(flowstate.stuck()).isEqualTo(new Flowstate.Stuck(1, 0));
  }

  /**
   * A task past its timeout in a stored run: interrupted, its object and the workflow saved ERROR
   * with the timeout named, and the workflow released for a later resume().
   */
  @Test
  void taskPastItsTimeout_failsItsObject_andReleasesTheWorkflow() throws SQLException {
    flowstate.register(
        "slow",
        Doc.class,
        Flow.of(
            dev.flowstate.engine.patterns.Patterns.timeout(
                Duration.ofMillis(100),
                Task.named("wait", (d, e) -> new CountDownLatch(1).await()))));
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("slow", Doc.class);

    assertThatThrownBy(() -> engine.process(Doc.docs("A")))
        .isInstanceOfSatisfying(
            dev.flowstate.engine.WorkflowError.class,
            e -> {
              // the timeout's error names this workflow: it reaches the caller as it is
              assertThat(e.workflowId()).isEqualTo(engine.id().toString());
              assertThat(e.objectIndex()).isZero();
              assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
            })
        .hasMessage("task 'wait' ran past its timeout of PT0.1S and was interrupted");
    assertThat(rows("SELECT status, owner FROM fs_workflow")).containsExactly("ERROR | null");
    assertThat(rows("SELECT status, error_text FROM fs_object"))
        .containsExactly("ERROR | task'wait'ranpastitstimeoutofPT0.1Sandwasinterrupted");
  }

  /** A builder on {@code connections}, in this test's schema and time. */
  FlowstateBuilder onFaulty(FaultyDataSource connections) {
    return Flowstate.builder()
        .dataSource(connections)
        .schema(db.schema())
        .clock(clock)
        .databaseClock(clock);
  }

  /**
   * Workflows of a definition whose one task blocks until {@link #finish}, each run by a thread of
   * its own on object "A"; the constructor returns once every one is inside its task.
   */
  final class Blocking {
    final CountDownLatch running;
    final CountDownLatch release = new CountDownLatch(1);
    final List<UUID> ids = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    Blocking(String definition, String task, int workflows) throws InterruptedException {
      running = new CountDownLatch(workflows);
      flowstate.register(
          definition,
          Doc.class,
          Flow.of(
              Task.named(
                  task,
                  (d, e) -> {
                    running.countDown();
                    release.await(30, TimeUnit.SECONDS);
                  })));
      for (int i = 0; i < workflows; i++) {
        DbWorkflowEngine<Doc> engine = flowstate.newWorkflow(definition, Doc.class);
        ids.add(engine.id());
        Thread t = new Thread(() -> engine.process(Doc.docs("A")));
        t.start();
        threads.add(t);
      }
      assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Lets the tasks return and waits for the runs to end. */
    void finish() throws InterruptedException {
      release.countDown();
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
  }

  @Test
  void leaseOfFewerThanThreeHeartbeats_isRefusedAtBuild() {
    assertThatThrownBy(() -> db.flowstate().lease(Duration.ofSeconds(5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "lease (PT5S) must be at least three heartbeats (heartbeat PT10S), so that a failed"
                + " renewal is retried before the lease ends: set heartbeat(...) to at most"
                + " PT1.666S or lease(...) to at least PT30S");
    assertThatThrownBy(() -> Flowstate.builder().heartbeat(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heartbeat must be positive, got PT0S");
  }
}
