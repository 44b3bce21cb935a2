package dev.flowstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./flowstate demo}, in this JVM; its resumes run as new JVMs, as for users. */
class DemoTest {

  @TempDir Path temp;

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void demo_haltsAtAFailingGrade_newProcessesResumeItToCompletion_andAChangedDefinitionIsRefused()
      throws Exception {
    // an earlier demo's database: the demo starts afresh
    Path folder = Files.createDirectories(temp.resolve("exam"));
    Files.writeString(folder.resolve("flowstate.mv.db"), "an earlier demo");

    Run run = cli("demo", "--folder", folder.toString());

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    Matcher id = Pattern.compile("resume ([0-9a-f-]{36})").matcher(run.out());
    assertThat(id.find()).as(run.out()).isTrue();
    String workflow = id.group(1);
    String db = "--db jdbc:h2:" + folder.toString().replace('\\', '/') + "/flowstate";
    String out = run.out().replace(workflow, "ID");
    // the story, in order: the first process halts at test #3, a new process resumes at the
    // re-taken test #3 and halts at #5, another one completes, the changed definition is refused
    assertThat(out)
        .containsSubsequence(
            "1. This process starts the check:\n"
                + "  test #1: grade 6, passed\n"
                + "  test #2: grade 5, passed\n"
                + "  test #3: grade 4, failed\n"
                + "  halted: test #3 failed with 4: Zack must re-take it\n",
            "status Halted, at object 2 (test #3), task [0,3,0] (fail)\n",
            "halt message: test #3 failed with 4: Zack must re-take it (action: retake)\n",
            "2         HALTED     {\"test\":3,\"grade\":4}\n",
            "5         INITIAL    {\"test\":6,\"grade\":6}\n",
            "$ ./flowstate "
                + db
                + " resume ID\n"
                + "  test #3 re-taken: grade 5, passed\n"
                + "  test #4: grade 5, passed\n"
                + "  test #5: grade 2, failed\n"
                + "workflow ID halted at object 4, task fail: test #5 failed with 2: Zack must"
                + " re-take it (action: retake)\n"
                + "(exit code 3: halted, run the same command again)\n",
            "$ ./flowstate "
                + db
                + " resume ID\n"
                + "  test #5 re-taken: grade 5, passed\n"
                + "  test #6: grade 6, passed\n"
                + "workflow ID completed\n"
                + "(exit code 0)\n",
            "refused: definition 'demo-exam' changed since workflow ID was stored",
            "The task history records what ran");
    assertThat(out.lines().filter(l -> l.matches("\\d\\s+(COMPLETED|HALTED)\\s+20.*")))
        .extracting(l -> l.split("\\s+")[0] + " " + l.split("\\s+")[1])
        .containsExactly(
            "0 COMPLETED",
            "1 COMPLETED",
            "2 HALTED",
            "2 COMPLETED",
            "3 COMPLETED",
            "4 HALTED",
            "4 COMPLETED",
            "5 COMPLETED");
    // what is stored: completed, test #3 and #5 re-taken, nothing amended by the refused trick
    try (Connection c =
            DriverManager.getConnection("jdbc:h2:" + folder.resolve("flowstate").toAbsolutePath());
        ResultSet r =
            c.createStatement()
                .executeQuery(
                    "SELECT w.status, (SELECT COUNT(*) FROM fs_object o WHERE o.workflow_id = w.id"
                        + " AND o.status = 'COMPLETED') FROM fs_workflow w")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("COMPLETED");
      assertThat(r.getInt(2)).isEqualTo(6);
      assertThat(r.next()).as("one workflow").isFalse();
    }
  }

  @Test
  void demo_refusesAFolderWithOtherFiles_andLeavesThemAlone() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("mine"));
    Files.writeString(folder.resolve("notes.txt"), "keep me");

    Run run = cli("demo", "--folder", folder.toString());

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "flowstate: "
                + folder
                + " holds files the demo did not write (notes.txt); choose another folder with"
                + " --folder\n");
    assertThat(Files.readString(folder.resolve("notes.txt"))).isEqualTo("keep me");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void demo_refusesDb_sinceItKeepsItsOwnDatabase() {
    Run run = cli("--db", "jdbc:postgresql://db/app", "demo");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "flowstate: the demo keeps its own embedded database; use --folder to choose where,"
                + " not --db\n");
    assertThat(run.out()).isEmpty();
  }
}
