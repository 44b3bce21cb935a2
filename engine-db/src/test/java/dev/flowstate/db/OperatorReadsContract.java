package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.Task;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an operator's tools read and ask on every database (issue 24): the workflow list by creation
 * with cursor pages and filters, counts by status label, the worker pools, objects done per minute,
 * and a resume request recorded with who asked. One subclass per database.
 */
abstract class OperatorReadsContract extends DatabaseTest {

  final WorkflowReader reader = new WorkflowReader(new ObjectMapper(), null);
  WorkflowActions actions;
  final AtomicBoolean halting = new AtomicBoolean(true);

  @BeforeEach
  void open() {
    db = database();
    flowstate = Flowstate.builder().dataSource(db.dataSource()).schema(db.schema()).build();
    actions = new WorkflowActions(db.schema());
    flowstate.register("plain", Doc.class, Flow.of(Task.named("inc", (d, e) -> d.n++)));
    flowstate.register(
        "gated",
        Doc.class,
        Flow.of(
            Task.named(
                "gate",
                (d, e) -> {
                  if (halting.get()) {
                    e.halt("Payment 100% declined for " + d.name);
                  }
                }),
            Task.named("inc", (d, e) -> d.n++)));
    flowstate.register(
        "failing",
        Doc.class,
        Flow.of(
            Task.named(
                "boom",
                (d, e) -> {
                  throw new IllegalStateException("card_rejected by the bank");
                })));
  }

  <R> R read(java.util.function.Function<Connection, R> read) throws SQLException {
    try (Connection c = db.connect()) {
      return read.apply(c);
    }
  }

  UUID halted(String name) {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("gated", Doc.class);
    try {
      engine.process(Doc.docs(name));
    } catch (HaltProcessing expected) {
      // halted as intended
    }
    return engine.id();
  }

  UUID failed() {
    DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("failing", Doc.class);
    try {
      engine.process(Doc.docs("X"));
    } catch (RuntimeException expected) {
      // failed as intended
    }
    return engine.id();
  }

  @Test
  void cursorPagesByCreation_showEveryWorkflowOnce_newestFirst_whileNewOnesArrive()
      throws SQLException {
    List<UUID> submitted = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      submitted.add(flowstate.submit("plain", Doc.docs("d" + i)));
    }
    // three share one creation time: the id orders them
    update(
        "UPDATE fs_workflow SET created_at = (SELECT MIN(created_at) FROM fs_workflow)"
            + " WHERE id IN ('"
            + submitted.get(2)
            + "', '"
            + submitted.get(3)
            + "', '"
            + submitted.get(4)
            + "')");
    WorkflowQuery query = WorkflowQuery.all().order(WorkflowQuery.Order.CREATED).limit(3);

    List<StoredWorkflow> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    WorkflowQuery page = query;
    while (true) {
      WorkflowQuery current = page;
      List<StoredWorkflow> rows = read(c -> reader.workflows(c, current));
      sizes.add(rows.size());
      seen.addAll(rows);
      if (rows.size() < 3) {
        break;
      }
      if (sizes.size() == 1) {
        flowstate.submit("plain", Doc.docs("late")); // newer: on no later page
      }
      page = query.after(query.cursorAfter(rows.get(rows.size() - 1)));
    }

    assertThat(sizes).containsExactly(3, 3, 1);
    assertThat(seen).extracting(StoredWorkflow::id).containsExactlyInAnyOrderElementsOf(submitted);
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).createdAt()).isBeforeOrEqualTo(seen.get(i - 1).createdAt());
    }
    assertThat(seen.get(0).objectsByStatus()).isEqualTo(Map.of(ObjectStatus.INITIAL, 1L));
  }

  @Test
  void aCursorNotGivenByAPage_isRefusedWithAClearError() {
    assertThatThrownBy(() -> WorkflowQuery.all().after("not-a-cursor"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cursor not-a-cursor is not one a page gave; start again from the first page");
    String sixty = "c".repeat(60);
    assertThatThrownBy(() -> WorkflowQuery.all().after(sixty))
        .as("a cursor of 60 characters is shown whole, a longer one cut there")
        .hasMessage("cursor " + sixty + " is not one a page gave; start again from the first page");
    assertThatThrownBy(() -> WorkflowQuery.all().after(sixty + "d"))
        .hasMessage(
            "cursor " + sixty + "... is not one a page gave; start again from the first page");
    assertThatThrownBy(() -> WorkflowQuery.all().offset(5).after(cursorOf(UUID.randomUUID())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a page is chosen by a cursor or by an offset, not both; drop the offset");
    assertThatThrownBy(() -> WorkflowQuery.all().text("x".repeat(201)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("text must be at most 200 characters, got 201");
  }

  private static String cursorOf(UUID id) {
    StoredWorkflow row =
        new StoredWorkflow(
            id,
            "d",
            "f",
            WorkflowStatus.NEW,
            "New",
            -1,
            List.of(0),
            Map.of(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            Map.of(),
            Instant.EPOCH,
            Instant.EPOCH);
    return WorkflowQuery.all().cursorAfter(row);
  }

  @Test
  void textFilter_findsHaltMessagesAndErrors_inAnyCase_withWildcardsAsPlainText()
      throws SQLException {
    UUID halted = halted("A");
    UUID failed = failed();
    flowstate.submit("plain", Doc.docs("B"));

    assertThat(ids("PAYMENT")).containsExactly(halted);
    assertThat(ids("100%")).containsExactly(halted);
    assertThat(ids("%")).containsExactly(halted);
    assertThat(ids("card_rej")).containsExactly(failed);
    assertThat(ids("_")).containsExactly(failed);
    assertThat(ids("!")).isEmpty();
    assertThat(ids("for a")).containsExactly(halted);
  }

  private List<UUID> ids(String text) throws SQLException {
    return read(c -> reader.workflows(c, WorkflowQuery.all().text(text))).stream()
        .map(StoredWorkflow::id)
        .toList();
  }

  @Test
  void createdRange_keepsTheWorkflowsStoredInIt() throws SQLException {
    UUID old = flowstate.submit("plain", Doc.docs("old"));
    UUID recent = flowstate.submit("plain", Doc.docs("recent"));
    update(
        "UPDATE fs_workflow SET created_at = TIMESTAMP '2026-01-01 10:00:00' WHERE id = '"
            + old
            + "'");
    Instant from = Instant.parse("2026-01-01T09:00:00Z");
    Instant before = Instant.parse("2026-01-01T11:00:00Z");

    List<StoredWorkflow> inRange =
        read(
            c ->
                reader.workflows(
                    c,
                    WorkflowQuery.all().order(WorkflowQuery.Order.CREATED).created(from, before)));
    assertThat(inRange).extracting(StoredWorkflow::id).containsExactly(old);
    List<StoredWorkflow> later =
        read(c -> reader.workflows(c, WorkflowQuery.all().created(before, null)));
    assertThat(later).extracting(StoredWorkflow::id).containsExactly(recent);
  }

  @Test
  void requestResume_recordsWhoAsked_inOneTransaction_andAPoolCompletesTheWorkflow()
      throws Exception {
    UUID id = halted("A");
    halting.set(false);

    WorkflowAction action =
        read(
            c -> {
              try {
                assertThat(c.getAutoCommit()).isTrue();
                WorkflowAction a = actions.requestResume(c, id, null, "alice", "10.0.0.7");
                assertThat(c.getAutoCommit()).as("restored").isTrue();
                return a;
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });

    assertThat(action.requestedBy()).isEqualTo("alice");
    assertThat(action.resumeAt()).isEqualTo(action.requestedAt());
    List<WorkflowAction> recorded = read(c -> reader.actions(c, id));
    assertThat(recorded).containsExactly(action);
    assertThat(read(c -> reader.workflow(c, id)).orElseThrow().resumeAt())
        .isEqualTo(action.resumeAt());

    try (WorkerPool pool =
        flowstate.workers().threads(1).pollInterval(Duration.ofMillis(50)).start()) {
      WorkerPoolContract.await(
          "the requested workflow completed",
          () -> flowstate.status(id).orElseThrow() == WorkflowStatus.COMPLETED);
    }
    assertThat(rows("SELECT data FROM fs_object WHERE workflow_id = '" + id + "'"))
        .singleElement()
        .asString()
        .contains("\"n\":1");
  }

  @Test
  void requestResume_ofACompletedRunningOrUnknownWorkflow_isRefused_andRecordsNothing()
      throws SQLException {
    UUID completed = flowstate.submit("plain", Doc.docs("A"));
    update("UPDATE fs_workflow SET status = 'COMPLETED' WHERE id = '" + completed + "'");
    UUID running = flowstate.submit("plain", Doc.docs("B"));
    update("UPDATE fs_workflow SET status = 'RUNNING' WHERE id = '" + running + "'");
    UUID unknown = UUID.randomUUID();

    try (Connection c = db.connect()) {
      assertThatThrownBy(() -> actions.requestResume(c, completed, null, "alice", null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "workflow "
                  + completed
                  + " is COMPLETED: every object was processed, there is nothing to resume");
      assertThatThrownBy(() -> actions.requestResume(c, running, null, "alice", null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is RUNNING: it is running");
      assertThatThrownBy(() -> actions.requestResume(c, unknown, null, "alice", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no workflow with id " + unknown + "; check the id (flowstate list)");
      assertThatThrownBy(() -> actions.requestResume(c, running, null, " ", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("who asked must be a name of 1 to 200 characters, got  ");
      assertThat(c.getAutoCommit()).isTrue();
    }
    assertThat(rows("SELECT COUNT(*) FROM fs_workflow_action")).containsExactly("0");
  }

  /**
   * A caller's connection outside auto-commit: the request is still committed when it returns
   * (another connection sees it), and the connection is left outside auto-commit as it came.
   */
  @Test
  void requestResume_onAConnectionOutsideAutoCommit_isCommittedWhenItReturns() throws SQLException {
    UUID id = halted("A");

    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      actions.requestResume(c, id, null, "alice", null);
      assertThat(c.getAutoCommit()).as("restored").isFalse();
      assertThat(rows("SELECT requested_by FROM fs_workflow_action")).containsExactly("alice");
      c.rollback(); // the caller's own rollback cannot undo a request already committed
    }
    assertThat(rows("SELECT requested_by FROM fs_workflow_action")).containsExactly("alice");
  }

  /**
   * The request's second write fails after its first changed the workflow (the record of who asked
   * cannot be written): the whole request is undone, so the workflow is not made due by a request
   * nobody can see, and the connection is left as it was given.
   */
  @Test
  void requestResume_whoseRecordCannotBeWritten_undoesTheDueTimeToo() throws SQLException {
    UUID id = halted("A");
    update("DROP TABLE fs_workflow_action");

    try (Connection c = db.connect()) {
      assertThatThrownBy(() -> actions.requestResume(c, id, null, "alice", null))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("could not request a resume of workflow " + id + ": ")
          .hasCauseInstanceOf(SQLException.class);
      assertThat(c.getAutoCommit()).as("restored").isTrue();
    }
    assertThat(rows("SELECT status, resume_at FROM fs_workflow WHERE id = '" + id + "'"))
        .containsExactly("HALTED | null");
  }

  /**
   * The labels of the Java statuses are the ones the status views show: a workflow and its object
   * set to each status read, in the views, the label its enum constant gives.
   */
  @Test
  void statusLabels_areTheLabelsTheStatusViewsShow() throws SQLException {
    UUID id = flowstate.submit("plain", Doc.docs("A"));
    String where = " WHERE workflow_id = '" + id + "'";
    for (WorkflowStatus status : WorkflowStatus.values()) {
      update(
          "UPDATE fs_workflow SET status = '"
              + status
              + "', owner = 'pool', lease_until = TIMESTAMP '2037-01-01 00:00:00' WHERE id = '"
              + id
              + "'");
      assertThat(rows("SELECT status_label FROM fs_workflow_status" + where))
          .as(status.name())
          .containsExactly(status.label());
    }
    for (ObjectStatus status : ObjectStatus.values()) {
      update("UPDATE fs_object SET status = '" + status + "'" + where);
      assertThat(rows("SELECT status_label FROM fs_object_status" + where))
          .as(status.name())
          .containsExactly(status.label().replace(" ", ""));
    }
  }

  /**
   * A missing workflow id is refused by each read and request that takes one, with its own message;
   * names of the longest length are kept whole, a longer address is cut to that length and a longer
   * name refused.
   */
  @Test
  void missingIds_areRefused_andNamesOfTheLongestLengthAreKeptWhole() throws SQLException {
    UUID id = halted("A");
    String longest = "a".repeat(WorkflowActions.MAX_NAME);
    try (Connection c = db.connect()) {
      assertThatThrownBy(() -> reader.workflow(c, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("workflow id must not be null");
      assertThatThrownBy(() -> reader.actions(c, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("workflow id must not be null");
      assertThatThrownBy(() -> actions.requestResume(c, null, null, "alice", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("workflow id must not be null");
      assertThatThrownBy(() -> actions.requestResume(c, id, null, longest + "b", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("who asked must be a name of 1 to 200 characters, got " + longest + "b");

      WorkflowAction whole = actions.requestResume(c, id, null, longest, "f".repeat(200));
      WorkflowAction cut = actions.requestResume(c, id, null, "bob", "g".repeat(201));

      assertThat(whole.requestedBy()).isEqualTo(longest);
      assertThat(whole.requestedFrom()).isEqualTo("f".repeat(200));
      assertThat(cut.requestedFrom()).isEqualTo("g".repeat(200));
      assertThat(reader.actions(c, id)).containsExactly(whole, cut);
    }
  }

  @Test
  void statusLabelCounts_countAnExpiredRunningLeaseAsInterrupted() throws SQLException {
    halted("A");
    halted("B");
    flowstate.submit("plain", Doc.docs("C"));
    UUID interrupted = flowstate.submit("plain", Doc.docs("D"));
    update(
        "UPDATE fs_workflow SET status = 'RUNNING', owner = 'gone',"
            + " lease_until = TIMESTAMP '2020-01-01 00:00:00' WHERE id = '"
            + interrupted
            + "'");

    assertThat(read(reader::statusLabelCounts))
        .isEqualTo(
            Map.of("gated", Map.of("Halted", 2L), "plain", Map.of("New", 1L, "Interrupted", 1L)));
    update("UPDATE fs_workflow SET status = 'COMPLETED' WHERE definition_name = 'gated'");
    assertThat(read(reader::activeLabelCounts))
        .as("Completed left out")
        .isEqualTo(Map.of("plain", Map.of("New", 1L, "Interrupted", 1L)));
  }

  @Test
  void workerPools_andObjectsPerMinute_showWhatThePoolsDid() throws Exception {
    for (int i = 0; i < 5; i++) {
      flowstate.submit("plain", Doc.docs("A", "B"));
    }
    failed();
    Instant start = read(reader::databaseTime);
    WorkerPool pool = flowstate.workers().threads(2).pollInterval(Duration.ofMillis(50)).start();
    try {
      WorkerPoolContract.await("5 completed", () -> pool.stats().completed() == 5);
      List<WorkerPoolStatus> pools = read(reader::workerPools);
      assertThat(pools).hasSize(1);
      assertThat(pools.get(0).name()).isNotBlank();
      assertThat(pools.get(0).pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(pools.get(0).statusLabel()).isEqualTo("Running");
      assertThat(pools.get(0).threads()).isEqualTo(2);
    } finally {
      pool.close();
    }
    assertThat(read(reader::workerPools))
        .singleElement()
        .extracting(WorkerPoolStatus::statusLabel)
        .isEqualTo("Stopped");

    List<ObjectsPerMinute> minutes =
        read(c -> reader.objectsPerMinute(c, start.minus(Duration.ofMinutes(5))));
    assertThat(minutes.stream().mapToLong(ObjectsPerMinute::completed).sum()).isEqualTo(10);
    assertThat(minutes.stream().mapToLong(ObjectsPerMinute::failed).sum()).isEqualTo(1);
    for (ObjectsPerMinute m : minutes) {
      assertThat(m.minute().getEpochSecond() % 60).isZero();
    }
    assertThat(new HashSet<>(read(c -> reader.objectsPerMinute(c, Instant.now().plusSeconds(600)))))
        .isEmpty();
  }
}
