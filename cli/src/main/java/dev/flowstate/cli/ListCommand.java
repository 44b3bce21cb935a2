package dev.flowstate.cli;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.StoredWorkflow;
import dev.flowstate.db.WorkflowQuery;
import dev.flowstate.db.WorkflowStatus;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "list",
    description = "Stored workflows, newest first: id, definition, status, objects by status.",
    footer = "Example: ./flowstate list --status HALTED --limit 20")
final class ListCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Option(names = "--status", description = "only this status: ${COMPLETION-CANDIDATES}")
  WorkflowStatus status;

  @Option(names = "--name", description = "only this definition")
  String name;

  @Option(
      names = "--since",
      description = "modified at or after this instant (2026-12-01T00:00:00Z)")
  java.time.Instant since;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "at most this many, 1 to 10000 (default 50)")
  int limit;

  @Override
  public Integer call() throws SQLException {
    Main.limit(spec, limit, Main.MAX_LIMIT);
    WorkflowQuery query =
        WorkflowQuery.all().status(status).definition(name).modifiedSince(since).limit(limit);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (StoredWorkflow w :
        main.database().reading(null, (reader, c) -> reader.workflows(c, query))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", w.id().toString());
      row.put("definition", w.definitionName());
      row.put("status", w.statusLabel());
      row.put("objects", w.objects());
      row.put("completed", count(w, ObjectStatus.COMPLETED));
      row.put("stuck", count(w, ObjectStatus.HALTED) + count(w, ObjectStatus.ERROR));
      row.put("modified", Output.time(w.modifiedAt()));
      rows.add(row);
    }
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

  static long count(StoredWorkflow workflow, ObjectStatus status) {
    return workflow.objectsByStatus().getOrDefault(status, 0L);
  }
}
