package dev.flowstate.cli;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.FlowstateBuilder;
import dev.flowstate.migrations.MariaDbForTests;
import java.sql.DriverManager;
import java.util.List;

/** Every command on MariaDB, in a database of its own (the family's schema). */
class MariaDbCliTest extends CliContract {
  final String url = MariaDbForTests.jdbcUrl();
  final String schema = "fs_cli_" + Long.toHexString(System.nanoTime());

  @Override
  List<String> target() {
    return List.of("--db", url, "--schema", schema);
  }

  @Override
  FlowstateBuilder flowstate() {
    return Flowstate.builder().jdbcUrl(url).schema(schema);
  }

  @Override
  void drop() throws Exception {
    try (var c = DriverManager.getConnection(url);
        var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + schema);
    }
  }

  @Override
  java.sql.Connection connect() throws Exception {
    java.sql.Connection c = DriverManager.getConnection(url);
    c.setCatalog(schema);
    return c;
  }
}
