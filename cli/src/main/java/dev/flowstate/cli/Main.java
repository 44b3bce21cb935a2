package dev.flowstate.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowstate}: operators list, inspect and query stored workflows without writing Java.
 * Read commands use plain JDBC in a read-only transaction: they start fast and never write.
 */
@Command(
    name = "flowstate",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // every command gets --help and --version from here
    versionProvider = Main.Version.class,
    description = "Inspect and operate stored flowstate workflows.",
    subcommands = {
      MigrateCommand.class,
      ListCommand.class,
      ShowCommand.class,
      ObjectsCommand.class,
      HistoryCommand.class,
      SqlCommand.class,
      ResumeCommand.class,
      RestartCommand.class,
      DashboardCommand.class,
      Demo.class
    },
    footer = {
      "",
      "Exit codes: 0 success (resume, restart: the workflow completed); 3 the workflow halted"
          + " (it needs action); 4 the workflow failed; 1 a runtime error (database unreachable,"
          + " unknown id, ...); 2 bad arguments.",
      "Example: ./flowstate --db jdbc:postgresql://db/app --user app list --status HALTED"
    })
public final class Main implements Callable<Integer> {

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      defaultValue = "${env:FLOWSTATE_DB_URL}",
      description = "the database (default: the embedded H2 file in ./flowstate-data)",
      scope = CommandLine.ScopeType.INHERIT)
  String db;

  @Option(
      names = "--user",
      defaultValue = "${env:FLOWSTATE_DB_USER}",
      description = "database user (or FLOWSTATE_DB_USER)",
      scope = CommandLine.ScopeType.INHERIT)
  String user;

  @Option(
      names = "--password",
      arity = "0..1",
      interactive = true,
      prompt = "database password: ",
      defaultValue = "${env:FLOWSTATE_DB_PASSWORD}",
      description =
          "database password: --password alone asks for it, without echo (or"
              + " FLOWSTATE_DB_PASSWORD); never printed. A value written after it shows in the"
              + " process list",
      scope = CommandLine.ScopeType.INHERIT)
  String password;

  @Option(
      names = "--schema",
      description = "the schema of flowstate's tables (default: the database's default)",
      scope = CommandLine.ScopeType.INHERIT)
  String schema;

  @Option(
      names = "--json",
      description = "print one JSON document instead of a table",
      scope = CommandLine.ScopeType.INHERIT)
  boolean json;

  @Option(
      names = "--verbose",
      description = "print stack traces of errors",
      scope = CommandLine.ScopeType.INHERIT)
  boolean verbose;

  @Option(
      names = "--quiet",
      description = "no notices on stderr",
      scope = CommandLine.ScopeType.INHERIT)
  boolean quiet;

  PrintWriter out;
  PrintWriter err;
  private boolean noticed;

  @Override
  public Integer call() {
    new CommandLine(this).usage(out);
    return 2;
  }

  Database database() {
    Database database = new Database(blankToNull(db), user, password, schema);
    if (database.isDefault() && !quiet && !noticed) {
      noticed = true;
      err.println(
          "flowstate: using the embedded database in ./flowstate-data (--db or FLOWSTATE_DB_URL"
              + " for another)");
    }
    return database;
  }

  static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** Runs a command line, printing to {@code stdout} and {@code stderr}; returns the exit code. */
  static int run(PrintStream stdout, PrintStream stderr, String... args) {
    Main main = new Main();
    main.out = new PrintWriter(stdout, true, StandardCharsets.UTF_8);
    main.err = new PrintWriter(stderr, true, StandardCharsets.UTF_8);
    CommandLine line = new CommandLine(main);
    line.setOut(main.out);
    line.setErr(main.err);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setParameterExceptionHandler(
        (e, arguments) -> {
          // one line saying what was wrong, and where the help is
          CommandLine command = e.getCommandLine();
          main.err.println("flowstate: " + e.getMessage());
          main.err.println(
              "flowstate: see ./flowstate "
                  + (command.getParent() == null ? "" : command.getCommandName() + " ")
                  + "--help");
          return 2;
        });
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          String message =
              e instanceof CliException
                  ? e.getMessage()
                  : e.getClass().getSimpleName() + ": " + e.getMessage();
          main.err.println("flowstate: " + message);
          if (main.verbose) {
            e.printStackTrace(main.err);
          } else if (!(e instanceof CliException)) {
            main.err.println("flowstate: --verbose shows the stack trace");
          }
          return 1;
        });
    int code = line.execute(args);
    main.out.flush();
    main.err.flush();
    return code;
  }

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // Hikari's and Flyway's progress lines, and the halt the command prints itself
      System.setProperty(
          "org.slf4j.simpleLogger.defaultLogLevel",
          java.util.Arrays.asList(args).contains("--verbose") ? "info" : "error");
    }
    System.exit(run(System.out, System.err, args));
  }

  /** The most workflows a list shows at once (the query API's page limit). */
  static final int MAX_LIMIT = dev.flowstate.db.WorkflowQuery.MAX_LIMIT;

  /**
   * A --limit as every read command checks it: 1 to {@code max}, else bad arguments (exit code 2)
   * with the command's own help named.
   */
  static int limit(CommandLine.Model.CommandSpec spec, int limit, int max) {
    if (limit < 1 || limit > max) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--limit must be between 1 and " + max + ", got " + limit);
    }
    return limit;
  }

  /** The version the build wrote into the jar's resources (the project's version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      java.util.Properties build = new java.util.Properties();
      try (java.io.InputStream in = Main.class.getResourceAsStream("build.properties")) {
        if (in != null) {
          build.load(in);
        }
      }
      return new String[] {"flowstate " + build.getProperty("version", "(unknown version)")};
    }
  }
}
