package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Worker pools (issue 10) on every database, in this process: what a pool claims and when, what it
 * does with each outcome, due work under a clock moved by hand, graceful shutdown, and operators'
 * view of the pool. The cross-process guarantees are in {@link WorkerClusterTest}.
 */
abstract class WorkerPoolContract extends DatabaseTest {

  static final Duration WAIT = Duration.ofSeconds(60);

  final List<WorkerPool> pools = new ArrayList<>();

  /** How often each (workflow, position, task) ran: at-least-once counts. */
  final Map<String, AtomicInteger> ran = new ConcurrentHashMap<>();

  @BeforeEach
  void open() throws SQLException {
    db = database();
    flowstate = flowstate().build();
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE side (workflow_id VARCHAR(36), pos INT, task VARCHAR(40))");
    }
  }

  /** Pooled connections, as services run it; heartbeats often, so pool rows renew quickly. */
  FlowstateBuilder flowstate() {
    return db.pooledFlowstate().heartbeat(Duration.ofMillis(200)).lease(Duration.ofSeconds(5));
  }

  @AfterEach
  void stopPools() {
    pools.forEach(WorkerPool::close);
  }

  /** Registers {@code name}: one task, "wait", that says it started and waits for release. */
  void registerWaiting(String name, CountDownLatch inTask, CountDownLatch release) {
    flowstate.register(
        name,
        Doc.class,
        Flow.of(
            Task.named(
                "wait",
                (d, e) -> {
                  inTask.countDown();
                  release.await();
                })));
  }

  WorkerPool start(WorkerPoolBuilder builder) {
    WorkerPool pool = builder.pollInterval(Duration.ofMillis(50)).start();
    pools.add(pool);
    return pool;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + WAIT + " for " + what);
      }
      Thread.sleep(10);
    }
  }

  int count(String sql) {
    try {
      return Integer.parseInt(rows(sql).get(0));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A task that counts its runs and writes a side row through the run's transaction. */
  Task<Doc> recorded(String name) {
    return Task.named(
        name,
        (d, e) -> {
          ran.computeIfAbsent(
                  e.workflowId() + "/" + e.state().tokenPos() + "/" + name,
                  k -> new AtomicInteger())
              .incrementAndGet();
          Worker.sideInsert(e, db.schema(), name);
          d.seen.add(name);
        });
  }

  // ------------------------------------------------------------------ claiming

  @Test
  void pool_runsEverySubmittedWorkflowToCompletion_eachObjectOnce() throws Exception {
    flowstate.register("two", Doc.class, Flow.of(recorded("a"), recorded("b")));
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(flowstate.submit("two", Doc.docs("A" + i, "B" + i)));
    }

    WorkerPool pool = start(flowstate.workers().threads(4));

    await("40 completed", () -> pool.stats().completed() == 40);
    assertThat(rows("SELECT DISTINCT status, owner, resume_at FROM fs_workflow"))
        .containsExactly("COMPLETED | null | null");
    assertThat(count("SELECT COUNT(*) FROM side")).isEqualTo(40 * 2 * 2);
    assertThat(
            count(
                "SELECT COUNT(*) FROM (SELECT workflow_id, pos, task FROM side"
                    + " GROUP BY workflow_id, pos, task HAVING COUNT(*) > 1) x"))
        .isZero();
    assertThat(ran.values()).allSatisfy(n -> assertThat(n.get()).isOne());
    assertThat(pool.stats()).isEqualTo(new WorkerStats(40, 40, 0, 0, 0, 0));
    assertThat(flowstate.workflow(ids.get(0)).orElseThrow().objectsByStatus())
        .containsEntry(ObjectStatus.COMPLETED, 2L);
  }

  /**
   * On the servers (SKIP LOCKED), a workflow whose row another transaction holds locked (an
   * operator's UPDATE left open, a frozen process) is passed over: the claim neither waits for it
   * nor fails, the other due workflows run, and the locked one runs once the lock is gone. H2 has
   * no SKIP LOCKED, so its claim waits for the lock (the servers' tests call this).
   */
  void lockedRow_isSkippedByTheClaim_andRunOnceItIsReleased() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    UUID locked = flowstate.submit("one", Doc.docs("A"));
    UUID free = flowstate.submit("one", Doc.docs("B"));
    try (Connection holder = db.connect()) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.executeQuery("SELECT id FROM fs_workflow WHERE id = '" + locked + "' FOR UPDATE").close();
      }
      WorkerPool pool = start(flowstate.workers().threads(1));

      await("the free one completed", () -> pool.stats().completed() == 1);
      assertThat(flowstate.status(free)).contains(WorkflowStatus.COMPLETED);
      assertThat(pool.stats().claimed()).isOne();
      holder.commit();
      await("the locked one completed after its release", () -> pool.stats().completed() == 2);
    }
    assertThat(flowstate.status(locked)).contains(WorkflowStatus.COMPLETED);
    assertThat(rows("SELECT DISTINCT status, owner FROM fs_workflow"))
        .containsExactly("COMPLETED | null");
    assertThat(ran.values()).hasSize(2).allSatisfy(n -> assertThat(n.get()).isOne());
  }

  @Test
  void twoPools_onOneDatabase_neverRunOneWorkflowTwice() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    for (int i = 0; i < 200; i++) {
      flowstate.submit("one", Doc.docs("A" + i));
    }
    Flowstate other = flowstate().build();
    try {
      other.register("one", Doc.class, Flow.of(recorded("a")));
      WorkerPool first = start(flowstate.workers().threads(3));
      WorkerPool second = start(other.workers().threads(3).batchSize(2));

      await("200 completed", () -> first.stats().completed() + second.stats().completed() == 200);

      assertThat(first.stats().claimed() + second.stats().claimed()).isEqualTo(200);
      assertThat(count("SELECT COUNT(*) FROM side")).isEqualTo(200);
      assertThat(count("SELECT COUNT(DISTINCT workflow_id) FROM side")).isEqualTo(200);
      assertThat(count("SELECT COUNT(*) FROM fs_workflow WHERE status = 'COMPLETED'"))
          .isEqualTo(200);
    } finally {
      pools.forEach(WorkerPool::close);
      other.close();
    }
  }

  @Test
  void pool_claimsEveryDefinitionItHasRegistered_andOnlyThoseWithTheSameFingerprint()
      throws Exception {
    flowstate.register("mine", Doc.class, Flow.of(recorded("a")));
    Flowstate older = flowstate().build();
    UUID theirs;
    UUID changed;
    try {
      older.register("theirs", Doc.class, Flow.of(recorded("a")));
      older.register("mine", Doc.class, Flow.of(recorded("a"), recorded("old")));
      theirs = older.submit("theirs", Doc.docs("A"));
      changed = older.submit("mine", Doc.docs("A"));
    } finally {
      older.close();
    }
    UUID mine = flowstate.submit("mine", Doc.docs("A"));
    flowstate.register("also mine", Doc.class, Flow.of(recorded("b")));
    UUID alsoMine = flowstate.submit("also mine", Doc.docs("B"));

    WorkerPool pool = start(flowstate.workers().threads(2));
    await("mine completed", () -> pool.stats().completed() == 2);
    Thread.sleep(200); // a few more polls

    assertThat(flowstate.status(mine)).contains(WorkflowStatus.COMPLETED);
    assertThat(flowstate.status(alsoMine)).contains(WorkflowStatus.COMPLETED);
    assertThat(flowstate.status(theirs)).contains(WorkflowStatus.NEW);
    assertThat(flowstate.status(changed)).contains(WorkflowStatus.NEW);
    assertThat(pool.stats().claimed()).isEqualTo(2);
  }

  /**
   * A pool that polls once an hour still runs work made in this process soon: a submitted workflow
   * and a requested resume wake it (or its back-off, still short after a start, finds them).
   */
  @Test
  void submitAndRequestResume_areRunSoonByAPoolOfThisProcessThatPollsHourly() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    DbWorkflowEngine<Doc> created = flowstate.newWorkflow("one", Doc.class, Doc.docs("A"));
    WorkerPool pool = flowstate.workers().threads(1).pollInterval(Duration.ofHours(1)).start();
    pools.add(pool);
    Thread.sleep(300); // its first poll found nothing due: it waits for an hour or a wake-up

    UUID submitted = flowstate.submit("one", Doc.docs("B"));
    await("the submitted one completed", () -> pool.stats().completed() == 1);
    flowstate.requestResume(created.id());
    await("the requested one completed", () -> pool.stats().completed() == 2);

    assertThat(flowstate.status(submitted)).contains(WorkflowStatus.COMPLETED);
    assertThat(flowstate.status(created.id())).contains(WorkflowStatus.COMPLETED);
  }

  @Test
  void newWorkflow_isLeftToItsCreator_untilResumptionIsRequested() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    DbWorkflowEngine<Doc> created = flowstate.newWorkflow("one", Doc.class, Doc.docs("A"));
    WorkerPool pool = start(flowstate.workers().threads(1));
    Thread.sleep(200);
    assertThat(flowstate.status(created.id())).contains(WorkflowStatus.NEW);

    flowstate.requestResume(created.id());

    await("completed", () -> pool.stats().completed() == 1);
    assertThat(flowstate.status(created.id())).contains(WorkflowStatus.COMPLETED);
  }

  @Test
  void haltedWorkflow_isResumedWhenRequested_rightAfterItsHaltingTask() throws Exception {
    flowstate.register(
        "approve",
        Doc.class,
        Flow.of(
            recorded("a"),
            Task.named(
                "gate",
                (d, e) -> {
                  if (d.n++ == 0) {
                    e.halt("needs approval");
                  }
                }),
            recorded("b")));
    UUID id = flowstate.submit("approve", Doc.docs("A"));
    WorkerPool pool = start(flowstate.workers().threads(1));
    await("halted", () -> pool.stats().halted() == 1);
    assertThat(rows("SELECT status, ended_by, halt_message, owner FROM fs_workflow"))
        .containsExactly("HALTED | HALT | needsapproval | null");
    Thread.sleep(200);
    assertThat(pool.stats().claimed()).isOne(); // a halt waits for a request

    flowstate.requestResume(id);

    await("completed", () -> pool.stats().completed() == 1);
    assertThat(rows("SELECT task FROM side ORDER BY task")).containsExactly("a", "b");
    assertThat(pool.stats()).isEqualTo(new WorkerStats(2, 1, 1, 0, 0, 0));
  }

  @Test
  void interruptedWorkflow_isTakenOver_atTheObjectItsRunWasOn() throws Exception {
    flowstate.register("two", Doc.class, Flow.of(recorded("a"), recorded("b")));
    UUID id = flowstate.newWorkflow("two", Doc.class, Doc.docs("A", "B", "C")).id();
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      // as a process killed during object 1 leaves it: object 0 committed, 1 marked RUNNING
      s.executeUpdate(
          "UPDATE fs_workflow SET status = 'RUNNING', token_pos = 1, owner = 'gone:1:x#1',"
              + " lease_until = "
              + db.timestamp(java.time.Instant.parse("2020-01-01T00:00:00Z")));
      s.executeUpdate("UPDATE fs_object SET status = 'COMPLETED' WHERE pos = 0");
      s.executeUpdate("UPDATE fs_object SET status = 'RUNNING' WHERE pos = 1");
    }

    WorkerPool pool = start(flowstate.workers().threads(1));

    await("completed", () -> pool.stats().completed() == 1);
    assertThat(flowstate.status(id)).contains(WorkflowStatus.COMPLETED);
    assertThat(rows("SELECT pos, task FROM side ORDER BY pos, task"))
        .containsExactly("1 | a", "1 | b", "2 | a", "2 | b");
  }

  /**
   * A listener given to the Flowstate is told of the runs its worker pools carry out: the way to
   * observe workflows no caller of this process holds an engine of.
   */
  @Test
  void flowstateListener_isToldOfTheRunsOfItsWorkerPools() throws Exception {
    List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    flowstate.addListener(
        new dev.flowstate.engine.EngineListener<Object>() {
          @Override
          public void finished(dev.flowstate.engine.WorkflowEngine<Object> engine) {
            events.add(
                "finished "
                    + engine.workflowId()
                    + " of "
                    + DbWorkflowEngine.definitionName(engine).orElseThrow());
          }

          @Override
          public void halted(
              dev.flowstate.engine.WorkflowEngine<Object> engine,
              dev.flowstate.engine.HaltProcessing halt) {
            events.add("halted " + engine.workflowId() + " " + halt.message());
          }

          @Override
          public void error(dev.flowstate.engine.WorkflowEngine<Object> engine, Throwable error) {
            events.add("error " + engine.workflowId() + " " + error.getMessage());
          }
        });
    flowstate.register(
        "mixed",
        Doc.class,
        Flow.of(
            Task.named(
                "decide",
                (d, e) -> {
                  if (d.name.equals("H")) {
                    e.halt("look at H");
                  } else if (d.name.equals("F")) {
                    throw new IllegalStateException("F is bad");
                  }
                })));
    UUID done = flowstate.submit("mixed", Doc.docs("A"));
    UUID halts = flowstate.submit("mixed", Doc.docs("H"));
    UUID fails = flowstate.submit("mixed", Doc.docs("F"));
    WorkerPool pool = start(flowstate.workers().threads(2));

    await(
        "three runs",
        () -> pool.stats().completed() + pool.stats().halted() + pool.stats().failed() == 3);

    assertThat(events)
        .containsExactlyInAnyOrder(
            "finished " + done + " of mixed",
            "halted " + halts + " look at H",
            "error " + fails + " F is bad");
  }

  @Test
  void failedWorkflow_countsAsFailed_andIsNotClaimedAgainUntilRequested() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    flowstate.register(
        "fails",
        Doc.class,
        Flow.of(
            Task.named(
                "flaky",
                (d, e) -> {
                  if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("the bank said no");
                  }
                })));
    UUID id = flowstate.submit("fails", Doc.docs("A"));
    WorkerPool pool;
    try (LogCapture log = new LogCapture()) {
      pool = start(flowstate.workers().threads(1));

      await("failed", () -> pool.stats().failed() == 1);
      Thread.sleep(200);
      // one WARN for the failed run, naming what an operator needs, with the cause's stack
      assertThat(log.lines("WARN"))
          .singleElement()
          .asString()
          .startsWith("[flowstate-worker-")
          .endsWith(
              "] WARN dev.flowstate.db.SavePoints - workflow "
                  + id
                  + " (fails) failed at object 0, task flaky [0]:"
                  + " java.lang.IllegalStateException: the bank said no");
      assertThat(log.lines("ERROR")).isEmpty();
      assertThat(log.text()).contains("\tat dev.flowstate.db.WorkerPoolContract");
    }
    assertThat(attempts.get()).isOne();
    assertThat(rows("SELECT status, ended_by FROM fs_workflow")).containsExactly("ERROR | ERROR");

    flowstate.requestResume(id);

    await("completed", () -> pool.stats().completed() == 1);
    assertThat(attempts.get()).isEqualTo(2);
  }

  @Test
  void workflowThatCannotBeLoaded_keepsItsClaimUntilTheLeaseEnds_withTheReasonInLastError()
      throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    UUID id = flowstate.submit("one", Doc.docs("A"));
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE fs_workflow SET token_pos = 7"); // beyond its one object
    }

    WorkerPool pool = start(flowstate.workers().threads(1));

    await("failed", () -> pool.stats().failed() == 1);
    assertThat(rows("SELECT status, owner = '" + pool.name() + "' FROM fs_workflow").get(0))
        .matches("NEW \\| (true|TRUE|t|1)");
    assertThat(flowstate.workflow(id).orElseThrow().lastError())
        .startsWith(cannotBeRead(pool, id) + "token_pos 7 is beyond its 1 objects");
    Thread.sleep(200);
    assertThat(pool.stats().claimed()).isOne(); // the lease is the back-off
  }

  /**
   * A row whose JSON was edited by hand into the wrong shape: the claim (which on PostgreSQL
   * returns the row for its run) cannot decode it, and the run reads it itself and names the
   * column.
   */
  @Test
  void workflowWithJsonOfTheWrongShape_failsItsRunNamingTheColumn() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    UUID id = flowstate.submit("one", Doc.docs("A"));
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE fs_workflow SET extra_data = " + db.jsonLiteral("[1, 2]"));
    }

    WorkerPool pool = start(flowstate.workers().threads(1));

    await("failed", () -> pool.stats().failed() == 1);
    String lastError;
    try (Connection c = db.connect(); // the workflow itself reads no more: its column, as text
        Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery("SELECT last_error FROM fs_workflow")) {
      r.next();
      lastError = r.getString(1);
    }
    assertThat(lastError).startsWith(cannotBeRead(pool, id) + "extra_data is [1");
    assertThat(ran).isEmpty();
  }

  /** The start of last_error when {@code pool} could not load workflow {@code id}'s row. */
  static String cannotBeRead(WorkerPool pool, UUID id) {
    return "worker pool "
        + pool.name()
        + " could not resume it (tried again when the lease ends):"
        + " dev.flowstate.db.StoreException: workflow "
        + id
        + " cannot be read: its stored ";
  }

  /** The fingerprint stored with workflow {@code id}, as a claim names its definition. */
  String fingerprint(UUID id) throws SQLException {
    return rows("SELECT definition_fingerprint FROM fs_workflow WHERE id = '" + id + "'").get(0);
  }

  // ------------------------------------------------------------------ due work

  @Test
  void retryAfter_isResumedByAPoolAfterTheDelay_notBefore_runningTheAskingTaskAgain()
      throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    flowstate.close();
    flowstate = flowstate().clock(clock).databaseClock(clock).build();
    AtomicInteger checks = new AtomicInteger();
    boolean[] paid = {false};
    flowstate.register(
        "payment",
        Doc.class,
        Flow.of(
            recorded("order"),
            Task.named(
                "check payment",
                (d, e) -> {
                  checks.incrementAndGet();
                  if (!paid[0]) {
                    e.retryAfter(Duration.ofMinutes(10), "no payment yet");
                  }
                }),
            recorded("ship")));
    UUID id = flowstate.submit("payment", Doc.docs("A"));
    WorkerPool pool = start(flowstate.workers().threads(1));
    await("halted", () -> pool.stats().halted() == 1);
    assertThat(
            rows(
                "SELECT status, ended_by, halt_message, CASE WHEN resume_at = "
                    + db.timestamp(Instant.parse("2026-12-01T10:10:00Z"))
                    + " THEN 'due at 10:10 UTC' ELSE 'due another time' END FROM fs_workflow"))
        .containsExactly("HALTED | RETRY | nopaymentyet | dueat10:10UTC");
    assertThat(flowstate.workflow(id).orElseThrow().resumeAt())
        .isEqualTo(Instant.parse("2026-12-01T10:10:00Z"));

    paid[0] = true;
    clock.advance(Duration.ofMinutes(9).plusSeconds(59));
    pool.wake();
    Thread.sleep(300); // several polls at 50 ms: none may claim it
    assertThat(checks.get()).isOne();
    assertThat(pool.stats().claimed()).isOne();

    clock.advance(Duration.ofSeconds(1));

    await("completed", () -> pool.stats().completed() == 1);
    assertThat(checks.get()).isEqualTo(2);
    assertThat(rows("SELECT status, resume_at FROM fs_workflow"))
        .containsExactly("COMPLETED | null");
    assertThat(rows("SELECT task FROM side ORDER BY task")).containsExactly("order", "ship");
  }

  @Test
  void resumeAt_inTheFuture_isNotClaimedBeforeItIsDue() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    flowstate.close();
    flowstate = flowstate().clock(clock).databaseClock(clock).build();
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    UUID id = flowstate.newWorkflow("one", Doc.class, Doc.docs("A")).id();
    flowstate.resumeAt(id, clock.instant().plus(Duration.ofHours(1)));
    WorkerPool pool = start(flowstate.workers().threads(1));
    Thread.sleep(300);
    assertThat(pool.stats().claimed()).isZero();

    clock.advance(Duration.ofHours(1));

    await("completed", () -> pool.stats().completed() == 1);
  }

  // ------------------------------------------------------------------ shutdown

  @Test
  void close_handsARunningWorkflowBackAtItsNextSavePoint_andAnotherPoolFinishesItOnce()
      throws Exception {
    CountDownLatch inSecond = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    flowstate.register(
        "slow",
        Doc.class,
        Flow.of(
            recorded("a"),
            Task.named(
                "wait",
                (d, e) -> {
                  if (e.state().tokenPos() == 1 && release.getCount() > 0) {
                    inSecond.countDown();
                    release.await(); // the pool is asked to stop while this object runs
                  }
                })));
    UUID id = flowstate.submit("slow", Doc.docs("A", "B", "C", "D"));
    WorkerPool pool = start(flowstate.workers().threads(1).shutdownTimeout(Duration.ofSeconds(30)));
    assertThat(inSecond.await(60, TimeUnit.SECONDS)).isTrue();

    Thread closing = new Thread(pool::close);
    closing.start();
    await("the pool stops claiming", () -> closing.getState() != Thread.State.RUNNABLE);
    release.countDown();
    closing.join(60_000);

    assertThat(pool.stats()).isEqualTo(new WorkerStats(1, 0, 0, 0, 1, 0));
    assertThat(rows("SELECT status, token_pos, owner, lease_until FROM fs_workflow"))
        .containsExactly("RUNNING | 2 | null | null");
    assertThat(rows("SELECT pos, status FROM fs_object ORDER BY pos"))
        .containsExactly("0 | COMPLETED", "1 | COMPLETED", "2 | RUNNING", "3 | INITIAL");
    assertThat(rows("SELECT status_label FROM fs_workflow_status")).containsExactly("Interrupted");

    WorkerPool next = start(flowstate.workers().threads(1));

    await("completed", () -> next.stats().completed() == 1);
    assertThat(flowstate.status(id)).contains(WorkflowStatus.COMPLETED);
    assertThat(rows("SELECT pos FROM side ORDER BY pos")).containsExactly("0", "1", "2", "3");
    assertThat(ran.values()).allSatisfy(n -> assertThat(n.get()).isOne());
  }

  @Test
  void close_withATaskThatOutlastsTheTimeout_returns_andTheRunHandsItsWorkflowBackLater()
      throws Exception {
    CountDownLatch inTask = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    flowstate.register(
        "stuck",
        Doc.class,
        Flow.of(
            Task.named(
                "wait",
                (d, e) -> {
                  if (e.state().tokenPos() == 0) {
                    inTask.countDown();
                    release.await();
                  }
                })));
    UUID id = flowstate.submit("stuck", Doc.docs("A", "B"));
    WorkerPool pool = start(flowstate.workers().threads(1).shutdownTimeout(Duration.ofMillis(200)));
    assertThat(inTask.await(60, TimeUnit.SECONDS)).isTrue();

    pool.close();

    assertThat(pool.stats().running()).isOne(); // not interrupted: still in its task
    assertThat(rows("SELECT status, owner FROM fs_workflow"))
        .containsExactly("RUNNING | " + pool.name().replace(" ", ""));

    release.countDown();

    await("handed back", () -> pool.stats().released() == 1);
    assertThat(rows("SELECT status, token_pos, owner FROM fs_workflow"))
        .containsExactly("RUNNING | 1 | null");
    assertThat(flowstate.status(id)).contains(WorkflowStatus.RUNNING);
  }

  /**
   * A pool claims ahead of its threads; closing it hands back at once the workflows waiting for a
   * thread (no owner: any pool takes them), while the running one keeps its lease.
   */
  @Test
  void prefetchedWorkflows_waitForAThread_andCloseHandsThemBackAtOnce() throws Exception {
    CountDownLatch inTask = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    registerWaiting("stuck", inTask, release);
    for (int i = 0; i < 3; i++) {
      flowstate.submit("stuck", Doc.docs("A"));
    }
    WorkerPool pool =
        start(flowstate.workers().threads(1).prefetch(2).shutdownTimeout(Duration.ofMillis(100)));
    assertThat(inTask.await(60, TimeUnit.SECONDS)).isTrue();
    await("claimed ahead", () -> pool.stats().claimed() == 3);
    String owner = pool.name().replace(" ", "");
    assertThat(rows("SELECT owner FROM fs_workflow"))
        .containsExactlyInAnyOrder(owner, owner, owner);

    pool.close();

    assertThat(pool.stats().released()).isEqualTo(2);
    assertThat(rows("SELECT status, owner FROM fs_workflow"))
        .containsExactlyInAnyOrder("RUNNING | " + owner, "NEW | null", "NEW | null");
    release.countDown();
    await("the running one finished", () -> pool.stats().completed() == 1);
    assertThat(rows("SELECT status, owner FROM fs_workflow"))
        .containsExactlyInAnyOrder("COMPLETED | null", "NEW | null", "NEW | null");
  }

  /**
   * close() may shut the threads down between a claim and its hand-over to a thread: the claimed
   * workflow is then handed back at once (NEW and nobody's again), not dropped with an error on the
   * claimer's thread and left to its lease.
   */
  @Test
  void close_whileAClaimIsOnItsWayToAThread_handsThatWorkflowBack() throws Exception {
    List<Throwable> uncaught = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch claimedOne = new CountDownLatch(1);
    AtomicInteger closing = new AtomicInteger();
    WorkerPool[] pool = new WorkerPool[1];
    Thread closer = new Thread(() -> pool[0].close(), "closer");
    flowstate.addListener(
        new FlowstateListener() {
          @Override
          public void claimed(String name, int workflows, long nanos) {
            if (workflows > 0 && closing.getAndIncrement() == 0) {
              // on the claimer's thread, between the claim and the hand-over: close meanwhile
              Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
              closer.start();
              try {
                Thread.sleep(300); // close() reaches its shutdown and waits for this thread
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              claimedOne.countDown();
            }
          }
        });
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    UUID id = flowstate.submit("one", Doc.docs("A"));
    pool[0] = start(flowstate.workers().threads(1));

    assertThat(claimedOne.await(60, TimeUnit.SECONDS)).isTrue();
    closer.join(60_000);

    assertThat(uncaught).isEmpty();
    assertThat(pool[0].stats().released()).isOne();
    assertThat(pool[0].stats().completed()).isZero();
    assertThat(rows("SELECT status, owner FROM fs_workflow WHERE id = '" + id + "'"))
        .containsExactly("NEW | null");
    assertThat(rows("SELECT status FROM fs_object")).containsExactly("INITIAL");
    assertThat(ran).isEmpty();
  }

  /**
   * Without prefetch a one-thread pool claims one workflow at a time (each claim asks for one, the
   * least a claim may ask) and runs every workflow once.
   */
  @Test
  void aPoolWithoutPrefetch_claimsOneWorkflowAtATime_andRunsEachOnce() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    for (String name : List.of("A", "B", "C")) {
      flowstate.submit("one", Doc.docs(name));
    }
    WorkerPool pool = start(flowstate.workers().threads(1).prefetch(0));

    await("all completed", () -> pool.stats().completed() == 3);

    assertThat(pool.stats().claimed()).isEqualTo(3);
    assertThat(rows("SELECT status FROM fs_workflow"))
        .containsExactly("COMPLETED", "COMPLETED", "COMPLETED");
    assertThat(ran.values()).hasSize(3).allSatisfy(n -> assertThat(n.get()).isOne());
  }

  /**
   * A claimed workflow that waited half its lease for a thread is handed back unstarted rather than
   * run on a lease at risk, and claimed again: every workflow still runs once.
   */
  @Test
  void aPrefetchedWorkflowThatWaitedHalfItsLease_isHandedBackAndClaimedAgain() throws Exception {
    flowstate.close();
    flowstate = flowstate().lease(Duration.ofSeconds(3)).heartbeat(Duration.ofSeconds(1)).build();
    flowstate.register(
        "slow",
        Doc.class,
        Flow.of(recorded("a"), Task.named("sleep", (d, e) -> Thread.sleep(1_800))));
    flowstate.submit("slow", Doc.docs("A"));
    flowstate.submit("slow", Doc.docs("B"));
    WorkerPool pool = start(flowstate.workers().threads(1).prefetch(1));

    await("both completed", () -> pool.stats().completed() == 2);

    assertThat(pool.stats().released()).isGreaterThanOrEqualTo(1);
    assertThat(pool.stats().claimed()).isGreaterThanOrEqualTo(3);
    assertThat(rows("SELECT status FROM fs_workflow")).containsExactly("COMPLETED", "COMPLETED");
    assertThat(ran.values()).allSatisfy(n -> assertThat(n.get()).isOne());
  }

  /**
   * A definition's checkpoint setting holds for the engines a pool makes: what another connection
   * sees while the third object runs is the checkpoint's (object 0 marked RUNNING when the run
   * began, object 1 untouched), not a commit per object.
   */
  @Test
  void checkpointEveryOfADefinition_holdsForThePoolsRuns() throws Exception {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    flowstate.register(
        "batched",
        Doc.class,
        Flow.of(
            Task.named(
                "look",
                (d, e) -> {
                  if (e.state().tokenPos() == 2) {
                    seen.addAll(
                        rows("SELECT pos, status FROM fs_object WHERE pos < 2 ORDER BY pos"));
                  }
                })));
    flowstate.checkpointEvery("batched", 3);
    UUID id = flowstate.submit("batched", Doc.docs("A", "B", "C", "D"));
    WorkerPool pool = start(flowstate.workers().threads(1));

    await("completed", () -> pool.stats().completed() == 1);

    assertThat(seen).containsExactly("0 | RUNNING", "1 | INITIAL");
    assertThat(flowstate.status(id)).contains(WorkflowStatus.COMPLETED);
    assertThatThrownBy(() -> flowstate.checkpointEvery("batched", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpointEvery of 'batched' must be at least 1 (durable), got 0");
    assertThatThrownBy(() -> flowstate.checkpointEvery("nope", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no definition is registered as 'nope'");
  }

  /**
   * While a pool's run of a NEW workflow is in its first task, the first save point is committed
   * (workflow RUNNING at object 0, object 0 RUNNING: SEMANTICS section 7). On PostgreSQL the claim
   * commits it, so a one-object workflow takes two saves of its row (the claim, the end), one fewer
   * than on H2, where the run writes it after the claim.
   */
  @Test
  void aNewWorkflowsFirstSavePoint_isCommittedBeforeItsFirstTask_byTheClaimOnPostgres()
      throws Exception {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    flowstate.register(
        "seen",
        Doc.class,
        Flow.of(
            Task.named(
                "look",
                (d, e) ->
                    seen.addAll(
                        rows(
                            "SELECT w.status, w.token_pos, o.status FROM fs_workflow w"
                                + " JOIN fs_object o ON o.workflow_id = w.id")))));
    UUID id = flowstate.submit("seen", Doc.docs("A"));
    WorkerPool pool = start(flowstate.workers().threads(1));

    await("completed", () -> pool.stats().completed() == 1);

    assertThat(seen).containsExactly("RUNNING | 0 | RUNNING");
    assertThat(rows("SELECT status, version FROM fs_workflow"))
        .containsExactly(
            "COMPLETED | "
                + (db.kind() == dev.flowstate.migrations.DatabaseKind.POSTGRESQL ? 2 : 3));
    assertThat(flowstate.status(id)).contains(WorkflowStatus.COMPLETED);
  }

  @Test
  void close_isIdempotent_andThePoolRowSaysStoppedWithItsCounts() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    flowstate.submit("one", Doc.docs("A"));
    WorkerPool pool = start(flowstate.workers().threads(2));
    await("completed", () -> pool.stats().completed() == 1);
    await(
        "the row renewed with the count",
        () -> {
          try {
            return rows("SELECT completed FROM fs_worker").equals(List.of("1"));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(rows("SELECT worker, threads, status_label, holding FROM fs_worker_status"))
        .containsExactly(pool.name().replace(" ", "") + " | 2 | Running | 0");

    pool.close();
    pool.close();

    assertThat(
            rows(
                "SELECT status_label, claimed, completed, halted, failed, released"
                    + " FROM fs_worker_status"))
        .containsExactly("Stopped | 1 | 1 | 0 | 0 | 0");
  }

  @Test
  void poolsView_showsWhatARunningPoolHolds() throws Exception {
    CountDownLatch inTask = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    registerWaiting("hold", inTask, release);
    flowstate.submit("hold", Doc.docs("A"));
    flowstate.submit("hold", Doc.docs("A"));
    WorkerPool pool = start(flowstate.workers().threads(2));
    try {
      assertThat(inTask.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.stats().running()).isEqualTo(2);
      assertThat(rows("SELECT holding FROM fs_worker_status")).containsExactly("2");
      assertThat(rows("SELECT DISTINCT owner, status_label FROM fs_workflow_status"))
          .containsExactly(pool.name().replace(" ", "") + " | Running");
    } finally {
      release.countDown();
    }
    await("completed", () -> pool.stats().completed() == 2);
  }

  // ------------------------------------------------------------------ settings

  @Test
  void builder_refusesBadSettings_sayingWhatIsAllowed() {
    WorkerPoolBuilder builder = flowstate.workers();

    assertThatThrownBy(() -> builder.threads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be between 1 and 1000, got 0; the default is 4");
    assertThatThrownBy(() -> builder.pollInterval(Duration.ofMillis(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "pollInterval must be between 10 ms and 1 hour, got PT0.005S; the default is 1 s");
    assertThatThrownBy(() -> builder.pollInterval(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pollInterval must be between");
    assertThatThrownBy(() -> builder.batchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "batchSize must be at least 1, got 0; the default is the number of threads plus"
                + " prefetch");
    assertThatThrownBy(() -> builder.prefetch(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefetch must be between 0 and 10000, got -1; the default is twice the number of"
                + " threads, at least 4");
    assertThatThrownBy(() -> builder.shutdownTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shutdownTimeout must be zero or more, got PT-1S; the default is 30 s");
    assertThatThrownBy(() -> builder.threads(1001))
        .hasMessage("threads must be between 1 and 1000, got 1001; the default is 4");
    assertThatThrownBy(() -> builder.pollInterval(Duration.ofMillis(9)))
        .hasMessageStartingWith("pollInterval must be between 10 ms and 1 hour, got PT0.009S");
    assertThatThrownBy(() -> builder.pollInterval(Duration.ofHours(1).plusMillis(1)))
        .hasMessageStartingWith("pollInterval must be between 10 ms and 1 hour, got PT1H0.001S");
    // each edge is allowed
    assertThat(builder.threads(1))
        .isSameAs(builder.threads(1000))
        .isSameAs(builder.pollInterval(Duration.ofMillis(10)))
        .isSameAs(builder.pollInterval(Duration.ofHours(1)))
        .isSameAs(builder.batchSize(1))
        .isSameAs(builder.shutdownTimeout(Duration.ZERO));
  }

  /**
   * close() wakes the claimer and waits for it: an idle pool that polls once an hour has stopped
   * looking for work when close() returns.
   */
  @Test
  void close_stopsAnIdlePoolsClaimerBeforeItReturns_evenWithAnHourlyPoll() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    java.util.Set<Thread> before = claimers();
    WorkerPool pool =
        flowstate
            .workers()
            .threads(1)
            .pollInterval(Duration.ofHours(1))
            .shutdownTimeout(Duration.ofSeconds(30))
            .start();
    pools.add(pool);
    Thread.sleep(200); // its first look found nothing: it waits for an hour or a wake-up
    java.util.Set<Thread> started = claimers();
    started.removeAll(before);
    assertThat(started).hasSize(1);

    pool.close();

    assertThat(started.iterator().next().isAlive()).isFalse();
  }

  static java.util.Set<Thread> claimers() {
    java.util.Set<Thread> threads = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
    threads.removeIf(t -> !t.getName().startsWith("flowstate-claimer-"));
    return threads;
  }

  /**
   * An idle pool backs off: with nothing due it looks for work a few times a second at most (its
   * waits double up to the poll interval), never in a busy loop.
   */
  @Test
  void idlePool_backsOffToItsPollInterval_insteadOfClaimingInALoop() throws Exception {
    FaultyDataSource counting = new FaultyDataSource(db.dataSource()); // counts commits
    Flowstate counted =
        Flowstate.builder()
            .dataSource(counting)
            .schema(db.schema())
            .heartbeat(Duration.ofSeconds(10))
            .lease(Duration.ofSeconds(30))
            .build();
    try {
      counted.register("one", Doc.class, Flow.of(recorded("a")));
      WorkerPool pool = counted.workers().threads(1).pollInterval(Duration.ofMillis(400)).start();
      pools.add(pool);
      Thread.sleep(500); // the first looks: 25, 50, 100, 200 ms apart
      int before = counting.commits();
      Thread.sleep(2_000);
      int looks = counting.commits() - before;

      // 5 at the poll interval (and a report of the pool's row); a busy loop makes thousands,
      // waits that stay at the first back-off (25 ms) make 80
      assertThat(looks).isBetween(1, 12);
    } finally {
      pools.forEach(WorkerPool::close);
      counted.close();
    }
  }

  @Test
  void closingTheFlowstate_closesItsPools() throws Exception {
    flowstate.register("one", Doc.class, Flow.of(recorded("a")));
    WorkerPool pool = start(flowstate.workers().threads(1));

    flowstate.close();
    flowstate = null;

    assertThat(pool.stats().running()).isZero();
    assertThat(rows("SELECT status_label FROM fs_worker_status")).containsExactly("Stopped");
  }
}
