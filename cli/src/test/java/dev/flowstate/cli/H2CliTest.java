package dev.flowstate.cli;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.FlowstateBuilder;
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
}
