package dev.flowstate.cli;

import dev.flowstate.dashboard.Dashboard;
import dev.flowstate.db.DefinitionProvider;
import dev.flowstate.db.Flowstate;
import dev.flowstate.migrations.Columns;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "dashboard",
    description = {
      "Serves the operations dashboard and its HTTP API over the database until stopped (Ctrl-C).",
      "Read-only unless an operator token is set: FLOWSTATE_DASHBOARD_TOKEN (or --token-file),"
          + " acting as FLOWSTATE_DASHBOARD_OPERATOR (or --operator). Actions are recorded in the"
          + " workflow's history with the operator's name; worker pools carry them out."
    },
    footer = {
      "Example: ./flowstate --db jdbc:postgresql://db/app --user app dashboard --port 8080",
      "  with FLOWSTATE_DASHBOARD_TOKEN=$(openssl rand -hex 24) set to allow resume requests"
    })
final class DashboardCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "8080", description = "the port (default 8080; 0: any)")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description =
          "the address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for every"
              + " interface, behind TLS)")
  String bind;

  @Option(
      names = "--operator",
      defaultValue = "${env:FLOWSTATE_DASHBOARD_OPERATOR}",
      description = "the operator's name in the history (default: operator)")
  String operator;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "a file whose first line is the operator token (instead of FLOWSTATE_DASHBOARD_TOKEN;"
              + " never on the command line, where the process list shows it)")
  Path tokenFile;

  @Option(
      names = "--classpath",
      paramLabel = "JARS",
      defaultValue = "${env:FLOWSTATE_CLASSPATH}",
      description =
          "jars holding your DefinitionProvider implementations, to draw your definitions (or"
              + " FLOWSTATE_CLASSPATH)")
  String classpath;

  /** Counted down to stop the server; a test stops it by interrupting the command's thread. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be 0 to 65535, got " + port);
    }
    String token = token();
    Database database = main.database();
    Connection check = database.read(); // the schema is there and of a known version
    Database.close(check);
    ClassLoader loader = RunCommand.loader(spec, classpath);
    Flowstate definitions = definitions(database, loader);
    Dashboard dashboard;
    try {
      dashboard =
          Dashboard.builder(new OpenedConnections(database))
              .port(port)
              .bind(bind)
              .operator(operatorName(), token)
              .definitions(definitions)
              .start();
    } catch (IllegalArgumentException | IllegalStateException | dev.flowstate.db.StoreException e) {
      definitions.close();
      throw new CliException(Columns.firstLine(e.getMessage()), e);
    }
    Thread hook = new Thread(stopped::countDown, "flowstate-dashboard-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = main.out;
    out.println(
        "flowstate dashboard at "
            + dashboard.url()
            + " over "
            + database.masked()
            + (token == null
                ? " (read-only: no operator token)"
                : " (operator: " + operatorName() + ")"));
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      dashboard.close();
      definitions.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is what stopped us
      }
    }
    return 0;
  }

  private String operatorName() {
    return operator == null || operator.isBlank() ? "operator" : operator;
  }

  private String token() {
    if (tokenFile == null) {
      return Main.blankToNull(System.getenv("FLOWSTATE_DASHBOARD_TOKEN"));
    }
    try {
      return Files.readAllLines(tokenFile).stream()
          .findFirst()
          .map(String::trim)
          .filter(t -> !t.isEmpty())
          .orElseThrow(
              () ->
                  new CommandLine.ParameterException(
                      spec.commandLine(), "--token-file " + tokenFile + " is empty"));
    } catch (java.io.IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--token-file " + tokenFile + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * The definitions of the providers on the class path (the demo's and --classpath's), registered
   * with a Flowstate on the database as resume does, so that the dashboard can draw them.
   */
  private static Flowstate definitions(Database database, ClassLoader loader) {
    Flowstate flowstate;
    try {
      flowstate =
          Flowstate.builder()
              .jdbcUrl(database.runUrl())
              .user(database.user)
              .password(database.password)
              .schema(database.schema)
              .migrate(false)
              .maxConnections(1)
              .build();
    } catch (dev.flowstate.db.StoreException e) {
      throw new CliException(Columns.firstLine(e.getMessage()), e);
    }
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      for (DefinitionProvider provider : ServiceLoader.load(DefinitionProvider.class, loader)) {
        provider.register(flowstate);
      }
    } catch (RuntimeException e) {
      flowstate.close();
      throw new CliException(
          "a DefinitionProvider failed: " + Columns.firstLine(e.getMessage()), e);
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
    return flowstate;
  }

  /**
   * The dashboard's connections: opened as every command opens them (schema, UTC session), one per
   * request (an operator's pages ask a few times a second at most). A connection that cannot be
   * opened is an {@link SQLException}, as from any DataSource, so that the dashboard answers 503
   * with the reason while the database is away, not 500.
   */
  private static final class OpenedConnections implements javax.sql.DataSource {
    private final Database database;

    OpenedConnections(Database database) {
      this.database = database;
    }

    @Override
    public Connection getConnection() throws SQLException {
      try {
        return database.open();
      } catch (CliException e) {
        throw new SQLException(e.getMessage(), e.getCause());
      }
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws java.sql.SQLException {
      throw new java.sql.SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
