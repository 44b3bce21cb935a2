package dev.flowstate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

  @Test
  void demo_haltsTwice_andTheRestartsFinishTheWorkflow() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "checking test #1: grade 6",
            "checking test #2: grade 5",
            "checking test #3: grade 4",
            "HALTED: test #3 failed (action retake) at object 2, task [1, 1] fail",
            "amended the grade to 5; restart(CURRENT, NEXT)",
            "checking test #4: grade 5",
            "checking test #5: grade 2",
            "HALTED: test #5 failed (action retake) at object 4, task [1, 1] fail",
            "amended the grade to 5; restart(CURRENT, NEXT)",
            "checking test #6: grade 6",
            "FINISHED: completed=true, grades [6, 5, 5, 5, 5, 6]");
  }
}
