package dev.flowstate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.FlowstateBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

class H2CliTest extends CliContract {
  @TempDir Path folder;

  String url() {
    return "jdbc:h2:file:"
        + folder.resolve("fs").toAbsolutePath()
        + ";WRITE_DELAY=0;AUTO_SERVER=TRUE";
  }

  @Override
  List<String> target() {
    return List.of("--db", url());
  }

  @Override
  FlowstateBuilder flowstate() {
    return Flowstate.builder().jdbcUrl(url());
  }

  @Override
  void drop() {}

  @Override
  java.sql.Connection connect() throws Exception {
    return java.sql.DriverManager.getConnection(url());
  }

  /**
   * --password alone asks for the password instead of taking it from the command line, where the
   * process list would show it: read from the terminal without echo, or from stdin without one.
   */
  @org.junit.jupiter.api.Test
  void passwordAlone_isAskedFor_notTakenFromTheCommandLine() {
    String secured =
        "jdbc:h2:file:" + folder.resolve("secured").toAbsolutePath() + ";WRITE_DELAY=0";
    assertThat(
            Main.run(
                System.out,
                System.err,
                "--db",
                secured,
                "--user",
                "op",
                "--password",
                "s3cret",
                "migrate"))
        .isZero();

    assertThat(withStdin("s3cret\n", "--db", secured, "--user", "op", "--password", "list").code())
        .isZero();
    Run wrong = withStdin("guess\n", "--db", secured, "--user", "op", "--password", "list");
    assertThat(wrong.code()).isOne();
    assertThat(wrong.err()).contains("Wrong user name or password").doesNotContain("guess");
  }

  private Run withStdin(String typed, String... args) {
    java.io.InputStream stdin = System.in;
    System.setIn(new java.io.ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)));
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      int code =
          Main.run(
              new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
              new java.io.PrintStream(err, true, StandardCharsets.UTF_8),
              args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setIn(stdin);
    }
  }
}
