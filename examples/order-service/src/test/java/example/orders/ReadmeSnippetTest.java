package example.orders;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot section of the project's README compiles as printed: each {@code java spring}
 * block becomes the body of a configuration class beside this service's classes (its orders,
 * shipments and tickets), on this service's classpath (Spring Boot 4, the starter).
 */
class ReadmeSnippetTest {

  @Test
  void springBootSnippetsOfTheReadme_compileAgainstThisService() throws Exception {
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (String line : Files.readAllLines(Path.of("../../README.md"))) {
      if (block == null && line.trim().equals("```java spring")) {
        block = new StringBuilder();
      } else if (block != null && line.trim().equals("```")) {
        blocks.add(block.toString());
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    assertThat(blocks).as("```java spring blocks in README.md").isNotEmpty();

    List<JavaFileObject> sources = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      String name = "ReadmeSnippet" + i;
      String source =
          "package example.orders;\n"
              + "import dev.flowstate.engine.*;\n"
              + "import dev.flowstate.spring.*;\n"
              + "import org.springframework.context.annotation.*;\n"
              + "@Configuration class "
              + name
              + " {\n"
              + blocks.get(i)
              + "}\n";
      sources.add(
          new SimpleJavaFileObject(
              URI.create("string:///example/orders/" + name + ".java"),
              JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return source;
            }
          });
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path out = Files.createTempDirectory("readme-snippets");
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
    assertThat(compiled).as("%s%n%s", diagnostics.getDiagnostics(), blocks).isTrue();
  }
}
