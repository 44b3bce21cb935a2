package dev.flowstate.cli;

import dev.flowstate.migrations.Columns;
import dev.flowstate.migrations.FlowstateMigrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migrate",
    description = "Create or upgrade flowstate's schema; says what it did.",
    footer = "Example: ./flowstate --db jdbc:postgresql://db/app?user=app migrate")
final class MigrateCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() throws SQLException {
    Database database = main.database();
    com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource();
    ds.setJdbcUrl(database.url);
    ds.setUsername(database.user);
    ds.setPassword(database.password);
    ds.setMaximumPoolSize(2); // Flyway holds one for its lock and uses another
    ds.setInitializationFailTimeout(1);
    try (ds) {
      try (Connection c = database.on(ds)) {
        database.requireKnownVersion(c);
      } catch (SQLException e) {
        // a schema not created yet: the migration below creates it
      }
      int applied = FlowstateMigrations.migrate(ds, database.schema);
      int version;
      try (Connection c = database.on(ds)) {
        version = database.schemaVersion(c);
      }
      main.out.println(
          applied == 0
              ? "schema is up to date at version " + version
              : "applied " + applied + " migration(s); schema at version " + version);
      return 0;
    } catch (RuntimeException e) {
      if (e instanceof CliException) {
        throw e;
      }
      throw new CliException(
          "cannot migrate " + database.masked() + ": " + Columns.firstLine(e.getMessage()), e);
    }
  }
}
