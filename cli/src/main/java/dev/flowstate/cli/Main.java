package dev.flowstate.cli;

import dev.flowstate.db.WorkflowStatus;
import dev.flowstate.migrations.FlowstateMigrations;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./flowstate}: operators list, inspect and query stored workflows without writing Java.
 * Read commands use plain JDBC in a read-only transaction: they start fast and never write.
 */
@Command(
    name = "flowstate",
    mixinStandardHelpOptions = true,
    version = "flowstate 0.1.0",
    description = "Inspect and operate stored flowstate workflows.",
    subcommands = {
      Main.Migrate.class,
      Main.ListWorkflows.class,
      Main.Show.class,
      Main.Objects.class,
      Main.History.class,
      Main.Sql.class,
      Main.Resume.class,
      Main.Restart.class,
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
      defaultValue = "${env:FLOWSTATE_DB_PASSWORD}",
      description = "database password (or FLOWSTATE_DB_PASSWORD); never printed",
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

  private static String blankToNull(String value) {
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

  // ------------------------------------------------------------------ commands

  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = "Create or upgrade flowstate's schema; says what it did.",
      footer = "Example: ./flowstate --db jdbc:postgresql://db/app?user=app migrate")
  static final class Migrate implements Callable<Integer> {
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
            "cannot migrate " + database.masked() + ": " + Database.firstLine(e.getMessage()), e);
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Stored workflows, newest first: id, definition, status, objects by status.",
      footer = "Example: ./flowstate list --status HALTED --limit 20")
  static final class ListWorkflows implements Callable<Integer> {
    @ParentCommand Main main;

    @Option(names = "--status", description = "only this status: ${COMPLETION-CANDIDATES}")
    WorkflowStatus status;

    @Option(names = "--name", description = "only this definition")
    String name;

    @Option(
        names = "--since",
        description = "modified at or after this instant (2026-12-01T00:00:00Z)")
    java.time.Instant since;

    @Option(names = "--limit", defaultValue = "50", description = "at most this many (default 50)")
    int limit;

    @Override
    public Integer call() throws SQLException {
      if (limit < 1 || limit > 10_000) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--limit must be between 1 and 10000, got " + limit);
      }
      List<Object> params = new ArrayList<>();
      StringBuilder sql =
          new StringBuilder(
              "SELECT workflow_id AS id, definition_name AS definition, status_label AS status,"
                  + " objects, objects_completed AS completed, objects_stuck AS stuck,"
                  + " modified_at AS modified FROM fs_workflow_status WHERE 1 = 1");
      if (status != null) {
        sql.append(" AND status = ?");
        params.add(status.name());
      }
      if (name != null) {
        sql.append(" AND definition_name = ?");
        params.add(name);
      }
      if (since != null) {
        sql.append(" AND modified_at >= ?");
        params.add(java.sql.Timestamp.from(since));
      }
      sql.append(" ORDER BY modified_at DESC, workflow_id LIMIT ").append(limit);
      List<Map<String, Object>> rows = main.query(sql.toString(), params, Set.of());
      if (main.json) {
        Output.json(main.out, Output.array(rows));
      } else if (rows.isEmpty()) {
        main.out.println("no workflows" + (status == null && name == null ? "" : " match"));
      } else {
        Output.table(
            main.out,
            rows,
            List.of("id", "definition", "status", "objects", "completed", "stuck", "modified"),
            60);
      }
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "One workflow: status, positions, extra data, halt, last error, definition, owner.",
      footer = "Example: ./flowstate show 6f1c…")
  static final class Show implements Callable<Integer> {
    @ParentCommand Main main;

    @Parameters(paramLabel = "ID", description = "the workflow's id")
    UUID id;

    @Override
    public Integer call() throws SQLException {
      List<Map<String, Object>> rows =
          main.query(
              "SELECT w.id, w.definition_name AS definition, w.definition_fingerprint AS"
                  + " fingerprint, s.status_label AS status, w.ended_by, w.token_pos,"
                  + " w.callback_pos, w.extra_data, w.halt_message, w.halt_action, w.halt_payload,"
                  + " w.last_error, s.objects, s.objects_completed, s.objects_stuck, w.owner,"
                  + " w.lease_until, w.resume_at, w.created_at, w.modified_at FROM fs_workflow w"
                  + " JOIN fs_workflow_status s ON s.workflow_id = w.id WHERE w.id = ?",
              List.of(id),
              Set.of("callback_pos", "extra_data", "halt_payload"));
      if (rows.isEmpty()) {
        throw new CliException("no workflow with id " + id + "; list them with: ./flowstate list");
      }
      Map<String, Object> row = rows.get(0);
      if (main.json) {
        Output.json(main.out, Output.object(row));
      } else {
        int width = 0;
        for (String key : row.keySet()) {
          width = Math.max(width, key.length());
        }
        for (Map.Entry<String, Object> e : row.entrySet()) {
          if (e.getValue() != null) {
            main.out.println(
                String.format(
                    "%-" + (width + 1) + "s %s",
                    e.getKey() + ":",
                    Output.oneLine(e.getValue(), 200)));
          }
        }
      }
      return 0;
    }
  }

  @Command(
      name = "objects",
      mixinStandardHelpOptions = true,
      description = "A workflow's objects: position, status, a one-line view of the data, error.",
      footer = "Example: ./flowstate objects 6f1c… --status ERROR")
  static final class Objects implements Callable<Integer> {
    @ParentCommand Main main;

    @Parameters(paramLabel = "ID", description = "the workflow's id")
    UUID id;

    @Option(names = "--status", description = "only this status: ${COMPLETION-CANDIDATES}")
    dev.flowstate.db.ObjectStatus status;

    @Option(
        names = "--limit",
        defaultValue = "100",
        description = "at most this many (default 100)")
    int limit;

    @Override
    public Integer call() throws SQLException {
      List<Object> params = new ArrayList<>(List.of(id));
      String sql =
          "SELECT pos AS position, status, data, error_text AS error FROM fs_object"
              + " WHERE workflow_id = ?"
              + (status == null ? "" : " AND status = ?")
              + " ORDER BY pos LIMIT "
              + Math.max(1, Math.min(limit, 100_000));
      if (status != null) {
        params.add(status.name());
      }
      List<Map<String, Object>> rows = main.query(id, sql, params, Set.of("data"));
      if (main.json) {
        Output.json(main.out, Output.array(rows));
      } else {
        Output.table(main.out, rows, List.of("position", "status", "data", "error"), 70);
      }
      return 0;
    }
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = "A workflow's task history: one row per object run, with its duration.",
      footer = "Example: ./flowstate history 6f1c… --object 3")
  static final class History implements Callable<Integer> {
    @ParentCommand Main main;

    @Parameters(paramLabel = "ID", description = "the workflow's id")
    UUID id;

    @Option(names = "--object", paramLabel = "POS", description = "only this object's runs")
    Integer object;

    @Override
    public Integer call() throws SQLException {
      main.history(id, object);
      return 0;
    }
  }

  @Command(
      name = "sql",
      mixinStandardHelpOptions = true,
      description =
          "A read-only query, printed as a table: in a read-only transaction; statements that"
              + " write are refused.",
      footer =
          "Example: ./flowstate sql \"SELECT status_label, COUNT(*) FROM fs_workflow_status GROUP"
              + " BY status_label\"")
  static final class Sql implements Callable<Integer> {
    @ParentCommand Main main;

    /*
     * Functions that write or act although called from a SELECT, which a read-only transaction and
     * its rollback do not stop: files written on the database's host (H2's CSVWRITE and
     * FILE_WRITE, PostgreSQL's large-object exports and adminpack), sequences (not transactional),
     * statements run elsewhere (dblink), tables linked in (H2's LINK_SCHEMA commits DDL), other
     * sessions ended, server settings and logs. Matched anywhere, string literals included: a
     * harmless query naming one is refused too, which is safer than parsing every dialect's quotes.
     * A database's own user-defined functions cannot be told apart: give the command a user with
     * read rights only where that matters.
     */
    static final java.util.regex.Pattern WRITES =
        java.util.regex.Pattern.compile(
            "(?i)(?<![a-z0-9_$])(csvwrite|file_write|link_schema|cancel_session|abort_session"
                + "|next\\s+value\\s+for|nextval|setval|lo_[a-z_]+|lowrite|pg_file_[a-z_]+"
                + "|dblink[a-z_]*|pg_terminate_backend|pg_cancel_backend|pg_reload_conf"
                + "|pg_rotate_logfile|pg_switch_wal|pg_create_restore_point|pg_promote|pg_notify"
                + "|set_config|pg_stat_reset[a-z_]*|pg_create_[a-z_]*replication_slot"
                + "|pg_drop_replication_slot|pg_replication_origin_[a-z_]+"
                + "|pg_logical_emit_message|pg_import_system_collations|pg_backup_start"
                + "|pg_backup_stop|pg_start_backup|pg_stop_backup|pg_log_backend_memory_contexts"
                + "|pg_advisory_[a-z_]*lock[a-z_]*)(?![a-z0-9_$])");

    @Parameters(paramLabel = "QUERY", description = "SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN")
    String query;

    @Override
    public Integer call() throws SQLException {
      String first = query.strip().split("\\s+", 2)[0].toUpperCase();
      if (!Set.of("SELECT", "WITH", "VALUES", "TABLE", "SHOW", "EXPLAIN").contains(first)
          || query.strip().replaceAll(";\\s*$", "").contains(";")
          || WRITES.matcher(query).find()) {
        throw new CommandLine.ParameterException(
            new CommandLine(this),
            "sql runs one read-only query (SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN), got: "
                + Output.oneLine(query, 60));
      }
      List<Map<String, Object>> rows =
          main.query(query.strip().replaceAll(";\\s*$", ""), List.of(), Set.of());
      if (main.json) {
        Output.json(main.out, Output.array(rows));
      } else if (rows.isEmpty()) {
        main.out.println("(no rows)");
      } else {
        Output.table(main.out, rows, new ArrayList<>(rows.get(0).keySet()), 80);
      }
      return 0;
    }
  }

  /** What resume and restart share: the definitions, the workflow, the outcome's exit code. */
  abstract static class Running implements Callable<Integer> {
    @ParentCommand Main main;

    @Parameters(paramLabel = "ID", description = "the workflow's id")
    UUID id;

    @Option(
        names = "--classpath",
        paramLabel = "JARS",
        defaultValue = "${env:FLOWSTATE_CLASSPATH}",
        description =
            "jars holding your DefinitionProvider implementations, separated by the path"
                + " separator (or FLOWSTATE_CLASSPATH)")
    String classpath;

    @Option(
        names = "--progress",
        description =
            "show progress on stderr (objects done, rate, time left) even when it is not a"
                + " terminal; --quiet turns it off")
    boolean progress;

    abstract void run(dev.flowstate.db.DbWorkflowEngine<?> engine);

    /** On a terminal unless --quiet; the launcher tells whether stderr is one (java cannot). */
    private boolean showProgress() {
      if (main.quiet) {
        return false;
      }
      String terminal = System.getenv("FLOWSTATE_STDERR_TERMINAL");
      return progress || (terminal == null ? System.console() != null : terminal.equals("1"));
    }

    @Override
    public Integer call() throws Exception {
      Database database = main.database();
      // the schema's presence and version, in plain JDBC before Hibernate's bootstrap: a clear
      // line, and no second spent on a database that cannot be used. The connection stays open
      // until the Flowstate has its own, so that an embedded H2 file is opened once, not twice.
      Connection check = database.read();
      try {
        return run(database, check);
      } finally {
        Database.close(check); // closed already unless the Flowstate could not be built
      }
    }

    private int run(Database database, Connection check) throws Exception {
      ClassLoader loader = loader();
      List<dev.flowstate.db.DefinitionProvider> providers = new ArrayList<>();
      java.util.ServiceLoader.load(dev.flowstate.db.DefinitionProvider.class, loader)
          .forEach(providers::add);
      if (providers.isEmpty()) {
        throw new CliException(
            "no definitions to run workflow "
                + id
                + " with: put the jar holding your DefinitionProvider on --classpath (or"
                + " FLOWSTATE_CLASSPATH)");
      }
      dev.flowstate.db.Flowstate flowstate;
      try {
        flowstate =
            dev.flowstate.db.Flowstate.builder()
                .jdbcUrl(database.url)
                .user(database.user)
                .password(database.password)
                .schema(database.schema)
                .migrate(false)
                .build();
      } catch (dev.flowstate.db.StoreException e) {
        throw new CliException(Database.firstLine(e.getMessage()), e);
      }
      Database.close(check); // no transaction left open for the length of the run
      try (flowstate) {
        Thread.currentThread().setContextClassLoader(loader);
        for (dev.flowstate.db.DefinitionProvider provider : providers) {
          provider.register(flowstate);
        }
        dev.flowstate.db.DbWorkflowEngine<?> engine;
        try {
          engine = flowstate.load(id);
        } catch (dev.flowstate.db.StoreException e) {
          throw new CliException(Database.firstLine(e.getMessage()), e);
        }
        try {
          // the display ends before the outcome is printed, which would otherwise share its line
          try (Progress progress = showProgress() ? Progress.start(database, id, main.err) : null) {
            run(engine);
          }
        } catch (dev.flowstate.engine.HaltProcessing halt) {
          main.out.println(
              "workflow "
                  + id
                  + " halted at object "
                  + engine.state().tokenPos()
                  + ", task "
                  + engine.currentTaskName()
                  + ": "
                  + halt.message()
                  + (halt.action() == null ? "" : " (action: " + halt.action() + ")"));
          return 3;
        } catch (dev.flowstate.engine.WorkflowError failed) {
          main.out.println(
              "workflow " + id + " failed: " + Database.firstLine(failed.getMessage()));
          return 4;
        } catch (dev.flowstate.db.StoreException e) {
          throw new CliException(Database.firstLine(e.getMessage()), e);
        }
        if (engine.hasCompleted()) {
          main.out.println("workflow " + id + " completed");
          return 0;
        }
        main.out.println("workflow " + id + " stopped at object " + engine.state().tokenPos());
        return 3;
      }
    }

    private ClassLoader loader() {
      ClassLoader parent = Main.class.getClassLoader();
      if (classpath == null || classpath.isBlank()) {
        return parent;
      }
      List<java.net.URL> urls = new ArrayList<>();
      for (String entry : classpath.split(java.io.File.pathSeparator)) {
        java.nio.file.Path path = java.nio.file.Path.of(entry);
        if (!java.nio.file.Files.exists(path)) {
          throw new CommandLine.ParameterException(
              new CommandLine(this), "--classpath entry " + entry + " does not exist");
        }
        try {
          urls.add(path.toUri().toURL());
        } catch (java.net.MalformedURLException e) {
          throw new CliException(
              "--classpath entry " + entry + " is not a path: " + e.getMessage());
        }
      }
      return new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new), parent);
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description =
          "Continue a stored workflow where it stopped (after a halt: right after the halting"
              + " task; after a crash: where its object's run began), in this process.",
      footer = "Example: ./flowstate resume 6f1c… --classpath my-definitions.jar")
  static final class Resume extends Running {
    @Override
    void run(dev.flowstate.db.DbWorkflowEngine<?> engine) {
      engine.resume();
    }
  }

  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = "Restart a stored workflow at a chosen object and task, in this process.",
      footer = "Example: ./flowstate restart 6f1c… --obj current --task first")
  static final class Restart extends Running {
    @Option(
        names = "--obj",
        required = true,
        description = "which object: ${COMPLETION-CANDIDATES}")
    dev.flowstate.engine.RestartPosition object;

    @Option(names = "--task", required = true, description = "which task: ${COMPLETION-CANDIDATES}")
    dev.flowstate.engine.RestartPosition task;

    @Override
    void run(dev.flowstate.db.DbWorkflowEngine<?> engine) {
      engine.restart(object, task);
    }
  }

  /** Prints a workflow's task history, of one object or of all. */
  void history(UUID id, Integer object) throws SQLException {
    List<Object> params = new ArrayList<>(List.of(id));
    String sql =
        "SELECT pos AS position, outcome, started_at AS started, ended_at AS ended,"
            + " message FROM fs_object_run WHERE workflow_id = ?"
            + (object == null ? "" : " AND pos = ?")
            + " ORDER BY started_at, id";
    if (object != null) {
      params.add(object);
    }
    List<Map<String, Object>> rows = query(id, sql, params, Set.of());
    for (Map<String, Object> row : rows) {
      Object started = row.get("started");
      Object ended = row.get("ended");
      row.put(
          "ms",
          started == null || ended == null
              ? null
              : java.time.Duration.between(
                      java.time.Instant.parse(started.toString()),
                      java.time.Instant.parse(ended.toString()))
                  .toMillis());
    }
    if (json) {
      Output.json(out, Output.array(rows));
    } else {
      Output.table(out, rows, List.of("position", "outcome", "started", "ms", "message"), 80);
    }
  }

  // ------------------------------------------------------------------ reading

  List<Map<String, Object>> query(String sql, List<Object> params, Set<String> jsonColumns)
      throws SQLException {
    return query(null, sql, params, jsonColumns);
  }

  /**
   * The rows of one query in a read-only transaction; with a {@code workflow}, first checks on the
   * same connection that it exists (an unknown id is an error, not an empty table).
   */
  List<Map<String, Object>> query(
      UUID workflow, String sql, List<Object> params, Set<String> jsonColumns) throws SQLException {
    Connection c = database().read();
    try {
      if (workflow != null) {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM fs_workflow WHERE id = ?")) {
          s.setObject(1, workflow);
          try (ResultSet r = s.executeQuery()) {
            if (!r.next()) {
              throw new CliException(
                  "no workflow with id " + workflow + "; list them with: ./flowstate list");
            }
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < params.size(); i++) {
          s.setObject(i + 1, params.get(i));
        }
        try (ResultSet r = s.executeQuery()) {
          return Output.rows(r, jsonColumns);
        }
      }
    } catch (SQLException e) {
      throw new CliException("the query failed: " + Database.firstLine(e.getMessage()), e);
    } finally {
      Database.close(c);
    }
  }
}
