package dev.flowstate.cli;

import dev.flowstate.migrations.Columns;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What resume and restart share: the definitions, the workflow, the outcome's exit code. */
abstract class RunCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

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
    ClassLoader loader = loader(spec, classpath);
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
              .jdbcUrl(database.runUrl())
              .user(database.user)
              .password(database.password)
              .schema(database.schema)
              .migrate(false)
              .build();
    } catch (dev.flowstate.db.StoreException e) {
      throw new CliException(Columns.firstLine(e.getMessage()), e);
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
      } catch (dev.flowstate.db.StoreException
          | IllegalArgumentException
          | IllegalStateException e) { // unreadable; no such workflow; definition missing here
        throw new CliException(Columns.firstLine(e.getMessage()), e);
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
        main.out.println("workflow " + id + " failed: " + Columns.firstLine(failed.getMessage()));
        return 4;
      } catch (dev.flowstate.db.StoreException | IllegalStateException e) {
        // the database's trouble, or nothing to resume (a COMPLETED workflow)
        throw new CliException(Columns.firstLine(e.getMessage()), e);
      }
      if (engine.hasCompleted()) {
        main.out.println("workflow " + id + " completed");
        return 0;
      }
      main.out.println("workflow " + id + " stopped at object " + engine.state().tokenPos());
      return 3;
    }
  }

  /** The class loader of the jars of --classpath (DefinitionProvider implementations). */
  static ClassLoader loader(CommandSpec spec, String classpath) {
    ClassLoader parent = Main.class.getClassLoader();
    if (classpath == null || classpath.isBlank()) {
      return parent;
    }
    List<java.net.URL> urls = new ArrayList<>();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      java.nio.file.Path path = java.nio.file.Path.of(entry);
      if (!java.nio.file.Files.exists(path)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--classpath entry " + entry + " does not exist");
      }
      try {
        urls.add(path.toUri().toURL());
      } catch (java.net.MalformedURLException e) {
        throw new CliException("--classpath entry " + entry + " is not a path: " + e.getMessage());
      }
    }
    return new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new), parent);
  }
}
