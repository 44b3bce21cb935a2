package dev.flowstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.cli.ExamDefinitions.Grade;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.db.FlowstateBuilder;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.migrations.PostgresForTests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./flowstate} script as users run it, each command a process of its own: the quick
 * start's demo, and a workflow halted by one process and resumed by another, on an H2 file and on
 * PostgreSQL. Runs after {@code package}, so the script finds its jar built.
 */
class LauncherIT {

  static final Path MODULE = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  static final Path SCRIPT = MODULE.getParent().resolve("flowstate");

  @TempDir Path temp;

  record Run(int code, String out) {}

  /** {@code ./flowstate ARGS} in {@code folder}, its stderr merged into its stdout. */
  static Run flowstate(Path folder, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("FLOWSTATE_"));
    env.put("FLOWSTATE_CLASSPATH", MODULE.resolve("target/test-classes").toString());
    Process process = builder.redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(out).isTrue();
    return new Run(process.exitValue(), out);
  }

  @Test
  void quickStartDemo_haltsThenResumesInNewProcessesToCompletion() throws Exception {
    Run demo = flowstate(temp, "demo");

    assertThat(demo.code()).as(demo.out()).isZero();
    String resume = "$ " + SCRIPT + " --db jdbc:h2:./flowstate-demo/flowstate resume ";
    assertThat(demo.out())
        .containsSubsequence(
            "  halted: test #3 failed with 4: Zack must re-take it\n",
            resume,
            "(exit code 3: halted, run the same command again)\n",
            resume,
            "completed\n(exit code 0)\n",
            "refused: definition 'demo-exam' changed since workflow");
    assertThat(temp.resolve("flowstate-demo/flowstate.mv.db")).exists();

    // what a newcomer types next: the default database has nothing, and the answer says where
    // the demo's workflows are and the command that lists them
    Run bare = flowstate(temp, "list");
    assertThat(bare.code()).as(bare.out()).isEqualTo(1);
    assertThat(bare.out())
        .contains(
            "flowstate: there is no flowstate database in ./flowstate-data (the default) yet; the"
                + " demo's workflows are in ./flowstate-demo: ./flowstate --db"
                + " jdbc:h2:./flowstate-demo/flowstate list (or set FLOWSTATE_DB_URL). To create"
                + " one here: ./flowstate migrate");
    assertThat(temp.resolve("flowstate-data")).doesNotExist(); // reading created nothing
    Run elsewhere = flowstate(temp.resolve("flowstate-demo"), "list");
    assertThat(elsewhere.out())
        .contains(
            "there is no flowstate database in ./flowstate-data (the default) yet; point --db"
                + " (or FLOWSTATE_DB_URL) at yours, or run ./flowstate demo.");

    // the commands the demo printed work as printed, from the same folder
    Run list = flowstate(temp, "--db", "jdbc:h2:./flowstate-demo/flowstate", "list");
    assertThat(list.code()).as(list.out()).isZero();
    assertThat(list.out()).contains("demo-exam").contains("Completed");
  }

  /**
   * Issue 22: the launcher picks the JVM's settings (C1 only and the read commands' class-data
   * archive, or the full JIT and the run archive) by the command, not by a word anywhere in the
   * arguments: "list --name resume" is a read command.
   */
  @Test
  void launcher_choosesTheJvmByTheCommand_notByAWordInTheArguments() throws Exception {
    Path target = MODULE.resolve("target");
    java.nio.file.Files.deleteIfExists(target.resolve("flowstate-read.jsa"));
    java.nio.file.Files.deleteIfExists(target.resolve("flowstate-run.jsa"));
    String db = "jdbc:h2:file:" + temp.resolve("words").toAbsolutePath() + ";WRITE_DELAY=0";
    assertThat(flowstate(temp, "--db", db, "migrate").code()).isZero();

    Run list = flowstate(temp, "--db", db, "list", "--name", "resume");

    assertThat(list.code()).as(list.out()).isZero();
    assertThat(list.out()).contains("no workflows match");
    assertThat(target.resolve("flowstate-read.jsa")).exists();
    assertThat(target.resolve("flowstate-run.jsa")).doesNotExist();
  }

  @Test
  void h2File_haltedByOneProcess_resumedToCompletionByAnother() throws Exception {
    String url = "jdbc:h2:file:" + temp.resolve("fs") + ";WRITE_DELAY=0;AUTO_SERVER=TRUE";
    haltedThenResumed(Flowstate.builder().jdbcUrl(url), List.of("--db", url));
  }

  @Test
  void postgres_haltedByOneProcess_resumedToCompletionByAnother() throws Exception {
    String url = PostgresForTests.jdbcUrl();
    String schema = "fs_launcher_" + Long.toHexString(System.nanoTime());
    try {
      haltedThenResumed(
          Flowstate.builder().jdbcUrl(url).schema(schema),
          List.of("--db", url, "--schema", schema));
    } finally {
      try (var c = DriverManager.getConnection(url);
          var s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private void haltedThenResumed(FlowstateBuilder builder, List<String> target) throws Exception {
    UUID id;
    try (Flowstate flowstate =
        builder.build().register("exam", Grade.class, ExamDefinitions.EXAM)) {
      DbWorkflowEngine<Grade> engine = flowstate.newWorkflow("exam", Grade.class);
      id = engine.id();
      try {
        engine.process(List.of(new Grade("maths", 12), new Grade("physics", 7)));
      } catch (HaltProcessing expected) {
        // stored HALTED at physics
      }
    }

    // a process runs the halting task again: it halts again, exit code 3
    Run halted =
        flowstate(
            temp, args(target, "restart", id.toString(), "--obj", "current", "--task", "current"));
    assertThat(halted.code()).as(halted.out()).isEqualTo(3);
    assertThat(halted.out())
        .isEqualTo(
            "workflow "
                + id
                + " halted at object 1, task check: failed physics with 7 (action: retake)\n");

    Run shown = flowstate(temp, args(target, "show", id.toString()));
    assertThat(shown.code()).as(shown.out()).isZero();
    assertThat(shown.out())
        .containsPattern("status:\\s+Halted\n")
        .containsPattern("token_pos:\\s+1\n");

    // a new process resumes after the halting task and completes
    Run resumed = flowstate(temp, args(target, "resume", id.toString()));
    assertThat(resumed.code()).as(resumed.out()).isZero();
    assertThat(resumed.out()).isEqualTo("workflow " + id + " completed\n");

    Run objects = flowstate(temp, args(target, "--json", "objects", id.toString()));
    assertThat(objects.code()).as(objects.out()).isZero();
    assertThat(objects.out())
        .contains("\"status\" : \"COMPLETED\"")
        .doesNotContain("HALTED")
        .doesNotContain("INITIAL");
  }

  private static String[] args(List<String> target, String... command) {
    List<String> all = new ArrayList<>(target);
    all.addAll(List.of(command));
    all.add(0, "--quiet");
    return all.toArray(String[]::new);
  }
}
