package dev.flowstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.cli.ExamDefinitions.Grade;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.HaltProcessing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read commands in-process, on every database: their output, their JSON, and their exit codes
 * for each error an operator can make. One subclass per database.
 */
abstract class CliContract {

  /** The student's grades: a grade under 10 halts, saying which. */

  /** The database as the command line sees it: --db and, on PostgreSQL, --schema. */
  abstract List<String> target();

  abstract dev.flowstate.db.FlowstateBuilder flowstate();

  abstract void drop() throws Exception;

  /** A writable connection to the tests' flowstate schema, to edit rows as an operator might. */
  abstract java.sql.Connection connect() throws Exception;

  Flowstate flowstate;
  UUID halted;
  UUID completed;

  record Run(int code, String out, String err) {}

  Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(target());
    all.addAll(List.of(args));
    int code =
        Main.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            all.toArray(String[]::new));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void store() {
    flowstate = flowstate().build().register("exam", Grade.class, ExamDefinitions.EXAM);
    DbWorkflowEngine<Grade> first = flowstate.newWorkflow("exam", Grade.class);
    try {
      first.process(List.of(new Grade("maths", 12), new Grade("physics", 7), new Grade("art", 15)));
    } catch (HaltProcessing expected) {
      // stored HALTED at physics
    }
    halted = first.id();
    DbWorkflowEngine<Grade> second = flowstate.newWorkflow("exam", Grade.class);
    second.process(List.of(new Grade("music", 18)));
    completed = second.id();
  }

  @AfterEach
  void close() throws Exception {
    flowstate.close();
    drop();
  }

  @Test
  void list_showsEachWorkflowNewestFirst_withItsObjectsByStatus() {
    Run run = cli("list");

    assertThat(run.code()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).startsWith("ID").contains("DEFINITION", "STATUS", "OBJECTS", "STUCK");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith(completed.toString()).contains("exam", "Completed");
    assertThat(lines.get(2)).startsWith(halted.toString()).contains("Halted");
    assertThat(lines.get(2).replaceAll("\\s+", " ")).contains("Halted 3 1 1");
  }

  /**
   * Issue 22: the command line's read commands and the library's query API answer alike: the same
   * workflows in the same order with the same counts, the same objects with the same data, the same
   * history. The two still run their own SQL (the command line reads without Hibernate's start-up);
   * this pins what one read side for both must keep.
   */
  @Test
  void readCommands_andTheQueryApi_giveTheSameAnswers() throws Exception {
    var mapper = Output.JSON;
    var listed = mapper.readTree(cli("--json", "list").out());
    List<dev.flowstate.db.StoredWorkflow> workflows =
        flowstate.workflows(dev.flowstate.db.WorkflowQuery.all());

    assertThat(listed).hasSameSizeAs(workflows);
    for (int i = 0; i < workflows.size(); i++) {
      var row = listed.get(i);
      var workflow = workflows.get(i);
      var counts = workflow.objectsByStatus();
      assertThat(row.get("id").asText()).isEqualTo(workflow.id().toString());
      assertThat(row.get("definition").asText()).isEqualTo(workflow.definitionName());
      assertThat(row.get("status").asText().toUpperCase(java.util.Locale.ROOT))
          .isEqualTo(workflow.status().name());
      assertThat(row.get("objects").asLong())
          .isEqualTo(counts.values().stream().mapToLong(Long::longValue).sum());
      assertThat(row.get("completed").asLong())
          .isEqualTo(counts.getOrDefault(dev.flowstate.db.ObjectStatus.COMPLETED, 0L));
      assertThat(row.get("stuck").asLong())
          .isEqualTo(
              counts.getOrDefault(dev.flowstate.db.ObjectStatus.HALTED, 0L)
                  + counts.getOrDefault(dev.flowstate.db.ObjectStatus.ERROR, 0L));

      var shown = mapper.readTree(cli("--json", "show", workflow.id().toString()).out());
      assertThat(shown.get("token_pos").asInt()).isEqualTo(workflow.tokenPos());
      assertThat(shown.get("halt_message").isNull() ? null : shown.get("halt_message").asText())
          .isEqualTo(workflow.haltMessage());

      var objects = mapper.readTree(cli("--json", "objects", workflow.id().toString()).out());
      var stored = flowstate.objects(workflow.id(), Grade.class, null, 0, 100);
      assertThat(objects).hasSameSizeAs(stored);
      for (int o = 0; o < stored.size(); o++) {
        assertThat(objects.get(o).get("position").asInt()).isEqualTo(stored.get(o).position());
        assertThat(objects.get(o).get("status").asText()).isEqualTo(stored.get(o).status().name());
        assertThat(objects.get(o).get("data")).isEqualTo(mapper.valueToTree(stored.get(o).data()));
      }

      var history = mapper.readTree(cli("--json", "history", workflow.id().toString()).out());
      var runs = flowstate.history(workflow.id());
      assertThat(history).hasSameSizeAs(runs);
      for (int r = 0; r < runs.size(); r++) {
        assertThat(history.get(r).get("position").asInt()).isEqualTo(runs.get(r).position());
        assertThat(history.get(r).get("outcome").asText()).isEqualTo(runs.get(r).outcome());
      }
    }
  }

  @Test
  void list_filtersByStatusAndName_caseInsensitively() {
    assertThat(cli("list", "--status", "halted").out().lines().skip(1))
        .singleElement()
        .asString()
        .startsWith(halted.toString());
    assertThat(cli("list", "--name", "nothing").out()).isEqualTo("no workflows match\n");
  }

  @Test
  void list_asJson_isOneDocumentWithStableFieldNames() throws Exception {
    Run run = cli("--json", "list", "--status", "HALTED");

    var doc = Output.JSON.readTree(run.out());
    assertThat(doc.isArray()).isTrue();
    assertThat(doc.get(0).get("id").asText()).isEqualTo(halted.toString());
    assertThat(doc.get(0).get("status").asText()).isEqualTo("Halted");
    assertThat(doc.get(0).get("objects").asInt()).isEqualTo(3);
    assertThat(doc.get(0).get("stuck").asInt()).isEqualTo(1);
  }

  @Test
  void show_printsTheHaltPositionsAndDefinition() {
    Run run = cli("show", halted.toString());

    assertThat(run.code()).isZero();
    assertThat(run.out())
        .contains("status:", "Halted")
        .contains("halt_message:", "failed physics with 7")
        .contains("halt_action:", "retake")
        .contains("halt_payload:", "7")
        .contains("token_pos:", "1")
        .contains("definition:", "exam")
        .contains("fingerprint:");
  }

  @Test
  void show_asJson_keepsJsonColumnsAsJson() throws Exception {
    var doc = Output.JSON.readTree(cli("--json", "show", halted.toString()).out());

    assertThat(doc.get("callback_pos").isArray()).isTrue();
    assertThat(doc.get("callback_pos").get(0).asInt()).isZero();
    assertThat(doc.get("halt_payload").asInt()).isEqualTo(7);
    assertThat(doc.get("ended_by").asText()).isEqualTo("HALT");
  }

  @Test
  void objects_listsPositionStatusAndData_filteredByStatus() {
    Run all = cli("objects", halted.toString());
    Run stuck = cli("objects", halted.toString(), "--status", "HALTED");

    assertThat(all.out().lines().skip(1).toList())
        .hasSize(3)
        .satisfies(lines -> assertThat(lines.get(1)).contains("HALTED", "physics"));
    assertThat(stuck.out().lines().skip(1)).singleElement().asString().contains("physics");
  }

  @Test
  void history_showsOneRowPerObjectRun_withItsOutcome() {
    Run run = cli("history", halted.toString());

    assertThat(run.code()).isZero();
    assertThat(run.out().lines().skip(1).map(l -> l.replaceAll("\\s+", " ").split(" ")[1]))
        .containsExactly("COMPLETED", "HALTED");
    assertThat(cli("history", halted.toString(), "--object", "1").out().lines().skip(1))
        .singleElement()
        .asString()
        .contains("HALTED");
  }

  @Test
  void sql_printsAnAlignedTable_andRefusesStatementsThatWrite() {
    Run run =
        cli("sql", "SELECT status, COUNT(*) AS n FROM fs_workflow GROUP BY status ORDER BY status");
    Run write = cli("sql", "DELETE FROM fs_workflow");
    Run two = cli("sql", "SELECT 1; DELETE FROM fs_workflow");

    assertThat(run.code()).isZero();
    assertThat(run.out().lines().toList())
        .containsExactly("STATUS     N", "COMPLETED  1", "HALTED     1");
    assertThat(write.code()).isEqualTo(2);
    assertThat(write.err())
        .startsWith(
            "flowstate: sql runs one read-only query (SELECT, WITH, VALUES, TABLE, SHOW or"
                + " EXPLAIN), got: DELETE FROM fs_workflow\n");
    assertThat(two.code()).isEqualTo(2);
    assertThat(cli("sql", "SELECT COUNT(*) AS n FROM fs_workflow").out()).contains("2");
  }

  /**
   * A SELECT that calls a function writing files, sequences or other sessions passes neither the
   * read-only transaction nor its rollback: it is refused like a DELETE, and nothing is written.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "SELECT CSVWRITE('%s', 'SELECT 1')",
        "SELECT FILE_WRITE('hello', '%s')",
        "select csvWrite ('%s', 'SELECT 1')",
        "SELECT lo_export(lo_from_bytea(0, 'hello'), '%s')",
        "SELECT pg_file_write('%s', 'hello', false)",
        "WITH x AS (SELECT 1) SELECT dblink_exec('dbname=test', 'DELETE FROM x -- %s')",
        "SELECT NEXT VALUE FOR fs_object_run_seq -- %s",
        "SELECT nextval('fs_object_run_seq') -- %s",
        "SELECT pg_terminate_backend(1) -- %s",
        "SELECT LINK_SCHEMA('x', '', 'jdbc:h2:mem:', 'sa', '', 'PUBLIC') -- %s",
        "SELECT 'hello' INTO OUTFILE '%s'",
        "SELECT 'hello' into  dumpfile '%s'",
        "SELECT GET_LOCK('flowstate', 0) -- %s",
        "SELECT RELEASE_ALL_LOCKS() -- %s",
      })
  void sql_functionsThatWriteOutsideTheTransaction_areRefusedLikeADelete(String template)
      throws Exception {
    java.nio.file.Path file =
        java.nio.file.Files.createTempDirectory("flowstate-sql").resolve("written.txt");
    String query = String.format(template, file.toString().replace('\\', '/'));

    Run run = cli("sql", query);

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "flowstate: sql runs one read-only query (SELECT, WITH, VALUES, TABLE, SHOW or"
                + " EXPLAIN), got: ");
    assertThat(file).doesNotExist();
    assertThat(cli("sql", "SELECT 'csvwrites', nextvalue FROM (SELECT 1 AS nextvalue) t").code())
        .isZero();
  }

  @Test
  void sql_queryThatFails_isOneLineWithExitCode1() {
    Run run = cli("sql", "SELECT nope FROM fs_workflow");

    assertThat(run.code()).isOne();
    assertThat(run.err()).startsWith("flowstate: the query failed: ").hasLineCount(1);
  }

  @Test
  void schemaNewerThanThisFlowstate_isRefusedByEveryCommand_withOneLine_andNothingChanges()
      throws Exception {
    try (var c = connect();
        var s = c.createStatement()) {
      // Flyway quotes its names, with the database's quote (a backtick on MariaDB)
      String q = c.getMetaData().getIdentifierQuoteString();
      s.execute(
          ("INSERT INTO \"fs_schema_history\" (\"installed_rank\", \"version\", \"description\","
                  + " \"type\", \"script\", \"installed_by\", \"execution_time\", \"success\")"
                  + " VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 'test', 0,"
                  + " TRUE)")
              .replace("\"", q));
    }

    for (List<String> command :
        List.of(
            List.of("list"),
            List.of("show", halted.toString()),
            List.of("sql", "SELECT 1"),
            List.of("resume", halted.toString()),
            List.of("migrate"))) {
      Run run = cli(command.toArray(String[]::new));

      assertThat(run.code()).as(command.toString()).isOne();
      assertThat(run.err())
          .as(command.toString())
          .matches(
              "flowstate: the flowstate schema in .* is at version 99, newer than this flowstate"
                  + " knows \\("
                  + dev.flowstate.migrations.FlowstateMigrations.LATEST_VERSION
                  + "\\): a newer flowstate migrated it; use that one \\(or a newer"
                  + " ./flowstate\\)\n");
      assertThat(run.out()).as(command.toString()).isEmpty();
    }
    assertThat(flowstate.status(halted)).contains(dev.flowstate.db.WorkflowStatus.HALTED);
  }

  @Test
  void resume_withProgress_showsObjectsDoneRateAndTimeLeftOnStderr_andClearsItsLine() {
    flowstate.register("slow", Grade.class, ExamDefinitions.SLOW);
    List<Grade> grades = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      grades.add(new Grade("s" + i, i));
    }
    UUID id = flowstate.submit("slow", grades); // stored, not run yet

    Run run = cli("resume", id.toString(), "--progress");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("workflow " + id + " completed\n");
    assertThat(run.err())
        .containsPattern("\robjects \\d+/30 \\(\\d+%\\) · \\d+/s · about \\d+ s left\u001b\\[K")
        .endsWith("\r\u001b[K");
    UUID again = flowstate.submit("slow", grades);
    Run quiet = cli("--quiet", "resume", again.toString(), "--progress");
    assertThat(quiet.code()).as(quiet.err()).isZero();
    assertThat(quiet.err()).isEmpty();
  }

  @Test
  void progressLine_saysObjectsDonePercentRateAndTimeLeft() {
    assertThat(Progress.line(1_200, 10_000, 850, java.time.Duration.ofSeconds(1)))
        .isEqualTo("objects 1,200/10,000 (12%) · 850/s · about 10 s left");
    assertThat(Progress.line(0, 40, 0, java.time.Duration.ofSeconds(1)))
        .isEqualTo("objects 0/40 (0%)");
    assertThat(Progress.line(100, 1_000_000, 100, java.time.Duration.ofSeconds(10)))
        .isEqualTo("objects 100/1,000,000 (0%) · 10/s · about 27 h 46 min left");
    assertThat(Progress.line(10, 130, 10, java.time.Duration.ofSeconds(1)))
        .isEqualTo("objects 10/130 (7%) · 10/s · about 12 s left");
    assertThat(Progress.line(0, 0, 0, java.time.Duration.ofSeconds(1)))
        .isEqualTo("objects 0/0 (100%)");
  }

  @Test
  void unknownId_isExit1_sayingHowToFindIds() {
    UUID unknown = UUID.randomUUID();
    for (String command : List.of("show", "objects", "history")) {
      Run run = cli(command, unknown.toString());

      assertThat(run.code()).as(command).isOne();
      assertThat(run.err())
          .as(command)
          .isEqualTo(
              "flowstate: no workflow with id " + unknown + "; list them with: ./flowstate list\n");
    }
  }

  @Test
  void badArguments_areExit2_withOneLineAndWhereTheHelpIs() {
    Run badId = cli("show", "123");
    Run badStatus = cli("list", "--status", "LOST");
    Run unknownCommand = cli("frobnicate");

    assertThat(badId.code()).isEqualTo(2);
    assertThat(badId.err().lines().toList())
        .containsExactly(
            "flowstate: Invalid value for positional parameter at index 0 (ID): cannot convert"
                + " '123' to UUID (java.lang.IllegalArgumentException: Invalid UUID string: 123)",
            "flowstate: see ./flowstate show --help");
    assertThat(badStatus.code()).isEqualTo(2);
    assertThat(badStatus.err())
        .contains("expected one of [NEW, RUNNING, HALTED, ERROR, COMPLETED]");
    assertThat(unknownCommand.code()).isEqualTo(2);
  }

  /**
   * Issue 22: a bad --limit is bad arguments in every read command, checked the same way, and the
   * message names the command's own help (it named the top-level help before).
   */
  @Test
  void limitOutOfRange_isBadArguments_namingTheCommandsOwnHelp() {
    Run list = cli("list", "--limit", "0");
    Run objects = cli("objects", UUID.randomUUID().toString(), "--limit", "100001");

    assertThat(list.code()).isEqualTo(2);
    assertThat(list.err().lines().toList())
        .containsExactly(
            "flowstate: --limit must be between 1 and 10000, got 0",
            "flowstate: see ./flowstate list --help");
    assertThat(objects.code()).isEqualTo(2);
    assertThat(objects.err().lines().toList())
        .containsExactly(
            "flowstate: --limit must be between 1 and 100000, got 100001",
            "flowstate: see ./flowstate objects --help");
  }

  /** Issue 22: --version prints the build's version, on every command (inherited, as --help). */
  @Test
  void version_isTheBuildsOwn_onEveryCommand() {
    Run top = cli("--version");
    Run list = cli("list", "--version");

    assertThat(top.code()).isZero();
    assertThat(top.out()).matches("flowstate \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
    assertThat(list.out()).isEqualTo(top.out());
  }

  @Test
  void everyCommand_hasHelpWithAnExample() {
    for (String command :
        List.of("migrate", "list", "show", "objects", "history", "sql", "dashboard")) {
      Run run = cli(command, "--help");

      assertThat(run.code()).as(command).isZero();
      assertThat(run.out()).as(command).contains("Example: ./flowstate");
    }
    assertThat(cli("--help").out()).contains("Exit codes: 0 success");
  }

  /**
   * A {@code ./flowstate dashboard} on a thread of its own, as from a terminal, with Dana's token
   * in a file; closing it interrupts the thread as Ctrl-C's shutdown hook does and waits for it.
   */
  final class RunningDashboard implements AutoCloseable {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    final java.nio.file.Path tokenFile;
    final Thread server;
    final int[] code = {-1};
    final String base;

    RunningDashboard(List<String> target) throws Exception {
      tokenFile = java.nio.file.Files.createTempFile("flowstate-token", ".txt");
      java.nio.file.Files.writeString(tokenFile, "cli-token-0123456789abcdef\n");
      List<String> args = new ArrayList<>(target);
      args.addAll(
          List.of(
              "dashboard",
              "--port",
              "0",
              "--operator",
              "dana",
              "--token-file",
              tokenFile.toString()));
      server =
          new Thread(
              () ->
                  code[0] =
                      Main.run(
                          new PrintStream(out, true, StandardCharsets.UTF_8),
                          new PrintStream(err, true, StandardCharsets.UTF_8),
                          args.toArray(String[]::new)));
      server.start();
      java.util.regex.Matcher url = null;
      for (int i = 0; i < 300 && (url == null || !url.find()); i++) {
        Thread.sleep(100);
        url =
            java.util.regex.Pattern.compile("dashboard at (http://\\S+/) over")
                .matcher(out.toString(StandardCharsets.UTF_8));
      }
      if (!url.find(0)) {
        close();
        throw new AssertionError("the dashboard did not start: " + out + " / " + err);
      }
      base = url.group(1);
    }

    java.net.http.HttpResponse<String> get(String path) throws Exception {
      return http.send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    java.net.http.HttpResponse<String> resume(UUID id) throws Exception {
      return http.send(
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(base + "api/workflows/" + id + "/resume"))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer cli-token-0123456789abcdef")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
              .build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
      server.interrupt();
      server.join(20_000);
      java.nio.file.Files.deleteIfExists(tokenFile);
    }
  }

  /**
   * {@code dashboard} serves the stored workflows, draws the definitions of the providers on its
   * class path, takes a resume request with the token of --token-file, and stops when its thread is
   * interrupted (as Ctrl-C's shutdown hook stops it), with exit code 0.
   */
  @Test
  void dashboard_servesTheWorkflows_takesARequestWithTheToken_andStopsCleanly() throws Exception {
    RunningDashboard dashboard = new RunningDashboard(target());
    try (dashboard) {
      assertThat(dashboard.out.toString(StandardCharsets.UTF_8)).contains("(operator: dana)");
      assertThat(dashboard.get("api/workflows?status=HALTED").body())
          .contains(halted.toString())
          .doesNotContain(completed.toString());
      assertThat(dashboard.get("api/workflows/" + halted).body())
          .contains("\"known\":true")
          .contains("\"tree\":[");
      java.net.http.HttpResponse<String> asked = dashboard.resume(halted);
      assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
      assertThat(asked.body()).contains("\"requestedBy\":\"dana\"");
    }
    assertThat(dashboard.server.isAlive()).isFalse();
    assertThat(dashboard.code[0]).as(dashboard.err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(flowstate.workflow(halted).orElseThrow().resumeAt()).isNotNull();
  }

  @Test
  void migrate_onAMigratedDatabase_saysItIsUpToDate() {
    Run run = cli("migrate");

    assertThat(run.code()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "schema is up to date at version "
                + dev.flowstate.migrations.FlowstateMigrations.LATEST_VERSION
                + "\n");
  }

  @Test
  void resume_ofAHaltedWorkflow_continuesAfterTheHalt_andExits0WhenItCompletes() {
    Run run = cli("resume", halted.toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.code()).isZero();
    assertThat(run.out()).isEqualTo("workflow " + halted + " completed\n");
    assertThat(flowstate.status(halted)).contains(dev.flowstate.db.WorkflowStatus.COMPLETED);
  }

  @Test
  void restart_atTheCurrentTask_haltsAgain_andExits3SayingWhy() {
    Run run = cli("restart", halted.toString(), "--obj", "current", "--task", "first");

    assertThat(run.code()).isEqualTo(3);
    assertThat(run.out())
        .isEqualTo(
            "workflow "
                + halted
                + " halted at object 1, task check: failed physics with 7 (action: retake)\n");
  }

  @Test
  void resume_ofAFailedWorkflow_thatFailsAgain_exits4() {
    DbWorkflowEngine<Grade> failing = flowstate.newWorkflow("exam", Grade.class);
    try {
      failing.process(List.of(new Grade("chemistry", -1)));
    } catch (dev.flowstate.engine.WorkflowError expected) {
      // stored ERROR
    }

    Run run = cli("resume", failing.id().toString());

    assertThat(run.code()).isEqualTo(4);
    assertThat(run.out())
        .startsWith("workflow " + failing.id() + " failed: ")
        .contains("a grade below 0 cannot be");
  }

  @Test
  void resume_ofACompletedOrUnknownWorkflow_isExit1_inOneLine() {
    UUID unknown = UUID.randomUUID();
    Run done = cli("resume", completed.toString());
    Run none = cli("resume", unknown.toString());
    Run badPosition = cli("restart", halted.toString(), "--obj", "sideways", "--task", "first");

    assertThat(done.code()).isOne();
    assertThat(done.err())
        .isEqualTo(
            "flowstate: workflow "
                + completed
                + " is COMPLETED: every object was processed, there is nothing to resume\n");
    assertThat(none.code()).isOne();
    assertThat(none.err())
        .isEqualTo(
            "flowstate: no workflow with id " + unknown + "; check the id (flowstate list)\n");
    assertThat(badPosition.code()).isEqualTo(2);
    assertThat(badPosition.err()).contains("expected one of [PREV, CURRENT, NEXT, FIRST]");
  }

  @Test
  void resume_inASeparateProcess_continuesTheWorkflowThisProcessHalted() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.addAll(target());
    command.addAll(List.of("resume", halted.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor()).as(output).isZero();
    assertThat(output).endsWith("workflow " + halted + " completed\n");
    assertThat(flowstate.status(halted)).contains(dev.flowstate.db.WorkflowStatus.COMPLETED);
    assertThat(cli("objects", halted.toString()).out().lines().skip(1))
        .allSatisfy(line -> assertThat(line).contains("COMPLETED"));
  }
}
