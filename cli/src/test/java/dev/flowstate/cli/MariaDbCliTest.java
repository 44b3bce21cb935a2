package dev.flowstate.cli;

import dev.flowstate.migrations.MariaDbForTests;
import java.sql.DriverManager;

/** Every command on MariaDB, in a database of its own (the family's schema). */
class MariaDbCliTest extends ServerCliContract {

  @Override
  String url() {
    return MariaDbForTests.jdbcUrl();
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
