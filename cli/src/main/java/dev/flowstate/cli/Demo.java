package dev.flowstate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstate.cli.DemoDefinitions.Grade;
import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.db.StoredObject;
import dev.flowstate.db.StoredWorkflow;
import dev.flowstate.db.WorkflowQuery;
import dev.flowstate.engine.HaltProcessing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./flowstate demo}: the exam story of the reference documentation, persisted. A workflow
 * halts at a failing grade, outlives its process, and is resumed by new processes, each started
 * with the command a user would type; a changed definition is refused.
 */
@Command(
    name = "demo",
    description =
        "The reference's exam story, stored in an embedded database of its own: a workflow halts"
            + " at a failing grade, and new processes resume it until it completes.",
    footer = "Example: ./flowstate demo --folder /tmp/exam")
final class Demo implements Callable<Integer> {

  private static final int[] GRADES = {6, 5, 4, 5, 2, 6};

  /** The files of an H2 database named {@code flowstate}: all a demo folder may hold. */
  private static final Set<String> DATABASE_FILES =
      Set.of("flowstate.mv.db", "flowstate.trace.db", "flowstate.lock.db", "flowstate.mv.db.tmp");

  @ParentCommand Main main;

  @Option(
      names = "--folder",
      defaultValue = "flowstate-demo",
      description = "the demo's database folder, emptied first (default: ./flowstate-demo)")
  Path folder;

  private String url;
  private String launcher;
  private String haltedTask;

  @Override
  public Integer call() throws Exception {
    if (main.db != null && !main.db.isBlank()) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "the demo keeps its own embedded database; use --folder to choose where, not --db");
    }
    url = prepare();
    main.db = url; // the read commands below look at the demo's database
    launcher = System.getenv().getOrDefault("FLOWSTATE_LAUNCHER", "./flowstate");
    String db = "--db " + url;

    main.out.println(
        "flowstate demo: the exam of the reference documentation, stored in " + folder + "/");
    main.out.println();
    main.out.println(
        "Zack P. Hacker took six tests, graded "
            + java.util.Arrays.stream(GRADES)
                .mapToObj(String::valueOf)
                .collect(Collectors.joining(" "))
            + ". They are checked in order; a grade");
    main.out.println(
        "below " + DemoDefinitions.PASS + " halts the check until he re-takes that test.");
    main.out.println();
    main.out.println("1. This process starts the check:");
    main.out.flush();
    UUID id = start();
    main.out.println();
    main.out.println("What is stored (" + launcher + " " + db + " show " + id + "):");
    stored(id);

    main.out.println();
    main.out.println(
        "2. Zack re-took test #3. A new process resumes the workflow where it halted:");
    int round = 0;
    int code;
    do {
      main.out.println();
      main.out.println("$ " + launcher + " " + db + " resume " + id);
      code = resumeInNewProcess(id);
      main.out.println(
          "(exit code " + code + (code == 3 ? ": halted, run the same command again" : "") + ")");
      round++;
    } while (code == 3 && round < GRADES.length);
    if (code != 0) {
      throw new CliException("the demo's resume ended with exit code " + code + " (see above)");
    }

    main.out.println();
    main.out.println(
        "3. Zack's trick: he registers his own \""
            + DemoDefinitions.EXAM
            + "\", which amends every failing grade, and loads");
    main.out.println("   the workflow to restart it from the first test. flowstate refuses:");
    main.out.println("  " + trick(id));
    main.out.println();
    main.out.println(
        "The task history records what ran (" + launcher + " " + db + " history " + id + "):");
    HistoryCommand.print(main, id, null);
    main.out.println();
    main.out.println(
        "Look around: " + launcher + " " + db + " list | objects " + id + " | sql \"SELECT …\"");
    return 0;
  }

  /** Empties the folder (only a database of an earlier demo may be in it); returns its URL. */
  private String prepare() throws IOException {
    if (Files.exists(folder)) {
      if (!Files.isDirectory(folder)) {
        throw new CliException(folder + " is a file, not a folder; choose another with --folder");
      }
      List<Path> files;
      try (Stream<Path> list = Files.list(folder)) {
        files = list.toList();
      }
      List<String> foreign =
          files.stream()
              .map(p -> p.getFileName().toString())
              .filter(name -> !DATABASE_FILES.contains(name))
              .sorted()
              .toList();
      if (!foreign.isEmpty()) {
        throw new CliException(
            folder
                + " holds files the demo did not write ("
                + String.join(", ", foreign)
                + "); choose another folder with --folder");
      }
      for (Path file : files) {
        Files.delete(file);
      }
    }
    Files.createDirectories(folder);
    String path = folder.toString().replace('\\', '/');
    return "jdbc:h2:"
        + (folder.isAbsolute() || path.startsWith(".") ? "" : "./")
        + path
        + "/flowstate";
  }

  /** Runs the exam in this process until the first halt, then closes the database. */
  private UUID start() {
    try (Flowstate flowstate = Flowstate.builder().jdbcUrl(main.database().runUrl()).build()) {
      flowstate.register(
          DemoDefinitions.EXAM, Grade.class, DemoDefinitions.exam(main.out::println));
      DbWorkflowEngine<Grade> engine = flowstate.newWorkflow(DemoDefinitions.EXAM, Grade.class);
      List<Grade> grades = new ArrayList<>();
      for (int i = 0; i < GRADES.length; i++) {
        grades.add(new Grade(i + 1, GRADES[i]));
      }
      try {
        engine.process(grades);
        throw new CliException("the demo's exam did not halt: a failing grade should have");
      } catch (HaltProcessing halt) {
        main.out.println("  halted: " + halt.message());
        haltedTask = engine.currentTaskName();
      }
      return engine.id();
    }
  }

  private void stored(UUID id) throws Exception {
    StoredWorkflow w =
        // the demo made it: no existence check before the read
        main.database().reading(null, (reader, c) -> reader.workflow(c, id)).orElseThrow();
    main.out.println(
        "  status "
            + w.statusLabel()
            + ", at object "
            + w.tokenPos()
            + " (test #"
            + (w.tokenPos() + 1)
            + "), task "
            + Output.tree(w.callbackPos())
            + " ("
            + haltedTask
            + ")");
    main.out.println("  halt message: " + w.haltMessage() + " (action: " + w.haltAction() + ")");
    List<Map<String, Object>> objects = new ArrayList<>();
    for (StoredObject<JsonNode> o :
        main.database()
            .reading(
                null,
                (reader, c) ->
                    reader.objects(c, id, JsonNode.class, null, 0, WorkflowQuery.MAX_LIMIT))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("position", o.position());
      row.put("status", o.status().name());
      row.put("data", o.data());
      objects.add(row);
    }
    Output.table(main.out, objects, List.of("position", "status", "data"), 60);
  }

  /** {@code ./flowstate --db URL resume ID} as a new JVM; its output goes to ours. */
  private int resumeInNewProcess(UUID id) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (System.getenv("FLOWSTATE_LAUNCHER") != null) {
      command.add(System.getenv("FLOWSTATE_LAUNCHER"));
    } else {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-XX:TieredStopAtLevel=1"); // start-up matters more than peak speed here
      command.add("-cp");
      command.add(
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
      command.add(Main.class.getName());
    }
    command.addAll(List.of("--db", url, "resume", id.toString()));
    main.out.flush();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    main.out.print(output);
    return process.waitFor();
  }

  /** Zack's definition under the stored name: loading the workflow with it is refused. */
  private String trick(UUID id) {
    try (Flowstate flowstate =
        Flowstate.builder().jdbcUrl(main.database().runUrl()).migrate(false).build()) {
      flowstate.register(DemoDefinitions.EXAM, Grade.class, DemoDefinitions.amendingExam());
      flowstate.load(id, Grade.class);
      throw new CliException("the demo's changed definition was accepted; it should not be");
    } catch (IllegalStateException refused) { // the definition changed since it was stored
      return "refused: " + refused.getMessage();
    }
  }
}
