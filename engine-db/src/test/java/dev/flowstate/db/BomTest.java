package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * flowstate-bom has no parent (importing it must not manage the libraries flowstate uses), so it
 * repeats the reactor's version and the drivers' versions: they must not drift from the root's.
 */
class BomTest {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

  @Test
  void bom_namesTheReactorsVersion_andTheDriverVersionsTheBuildTestsWith() throws Exception {
    String root = Files.readString(ROOT.resolve("pom.xml"));
    String bom = Files.readString(ROOT.resolve("bom/pom.xml"));

    assertThat(first(bom, "<artifactId>flowstate-bom</artifactId>\\s*<version>([^<]+)</version>"))
        .isEqualTo(first(root, "<artifactId>flowstate-parent</artifactId>\\s*<version>([^<]+)<"));
    assertThat(first(bom, "<artifactId>h2</artifactId>\\s*<version>([^<]+)</version>"))
        .isEqualTo(first(root, "<h2.version>([^<]+)</h2.version>"));
    assertThat(first(bom, "<artifactId>postgresql</artifactId>\\s*<version>([^<]+)</version>"))
        .isEqualTo(first(root, "<postgresql.version>([^<]+)</postgresql.version>"));
    assertThat(first(bom, "<artifactId>spotless-maven-plugin</artifactId>\\s*<version>([^<]+)<"))
        .isEqualTo(first(root, "<spotless-plugin.version>([^<]+)</spotless-plugin.version>"));
  }

  private static String first(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex).isTrue();
    return m.group(1);
  }
}
