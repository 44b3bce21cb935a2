package dev.flowstate.cli;

import dev.flowstate.db.WorkflowStatus;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    List<Map<String, Object>> rows = main.database().query(sql.toString(), params, Set.of());
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
