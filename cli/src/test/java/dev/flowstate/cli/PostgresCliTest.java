package dev.flowstate.cli;

import dev.flowstate.migrations.PostgresForTests;
import java.sql.DriverManager;

class PostgresCliTest extends ServerCliContract {

  @Override
  String url() {
    return PostgresForTests.jdbcUrl();
  }

  @Override
  void drop() throws Exception {
    try (var c = DriverManager.getConnection(url);
        var s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Override
  java.sql.Connection connect() throws Exception {
    java.sql.Connection c = DriverManager.getConnection(url);
    c.setSchema(schema);
    return c;
  }
}
