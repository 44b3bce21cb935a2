package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java examples of the READMEs compile as printed: each block becomes the body of a method (its
 * own imports on top), beside the few names the prose assumes (an {@code Order} class, its {@code
 * orders}, a {@code definition}, an {@code id}, a password). An example that drifts from the API
 * fails here, not in a reader's editor.
 */
class ReadmeExamplesTest {

  private static final String CONTEXT =
      """
      static class Order {
        int qty;
        int total;
        java.util.List<String> sent = new java.util.ArrayList<>();
      }

      java.util.List<Order> orders = java.util.List.of();
      dev.flowstate.engine.Flow<Order> definition =
          dev.flowstate.engine.Flow.of(dev.flowstate.engine.Task.named("t", (o, e) -> {}));
      java.util.UUID id = java.util.UUID.randomUUID();
      String secret = "";
      String pw = "";
      """;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"../README.md", "README.md"})
  void javaExamples_compileAsPrinted(String readme) throws IOException {
    List<String> blocks = javaBlocks(Path.of(readme));
    assertThat(blocks).as("java blocks in %s", readme).isNotEmpty();
    List<Source> sources = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < blocks.size(); i++) {
      StringBuilder imports = new StringBuilder();
      StringBuilder body = new StringBuilder();
      for (String line : blocks.get(i).split("\n")) {
        (line.startsWith("import ") ? imports : body).append(line).append('\n');
      }
      if (imports.length() == 0) {
        // a fragment of prose: it assumes the usual imports; a block that prints imports must
        // print all it needs
        imports.append(
            "import dev.flowstate.engine.*;\nimport dev.flowstate.db.*;\nimport java.util.*;\n");
      }
      String source =
          imports
              + "class Example"
              + i
              + " {\n"
              + CONTEXT
              + "void example() throws Exception {\n"
              + body
              + "}\n}\n";
      sources.add(new Source("Example" + i, source));
      all.append(numbered(source));
    }
    String source = all.toString();

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path out = Files.createTempDirectory("readme-examples");
    boolean compiled =
        compiler
            .getTask(
                null,
                null,
                diagnostics,
                List.of("-classpath", classpath, "-d", out.toString(), "-proc:none"),
                null,
                sources)
            .call();

    assertThat(compiled).as("%s:%n%s%n%s", readme, diagnostics.getDiagnostics(), source).isTrue();
  }

  static List<String> javaBlocks(Path readme) throws IOException {
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (String line : Files.readAllLines(readme)) {
      if (block == null && line.trim().equals("```java")) {
        block = new StringBuilder();
      } else if (block != null && line.trim().equals("```")) {
        blocks.add(block.toString());
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return blocks;
  }

  private static String numbered(String source) {
    StringBuilder out = new StringBuilder();
    String[] lines = source.split("\n");
    for (int i = 0; i < lines.length; i++) {
      out.append(i + 1).append(": ").append(lines[i]).append('\n');
    }
    return out.toString();
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String name, String code) {
      super(URI.create("string:///" + name + ".java"), Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
