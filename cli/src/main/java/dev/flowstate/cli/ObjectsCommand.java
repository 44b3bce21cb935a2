package dev.flowstate.cli;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "objects",
    description = "A workflow's objects: position, status, a one-line view of the data, error.",
    footer = "Example: ./flowstate objects 6f1c… --status ERROR")
final class ObjectsCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ID", description = "the workflow's id")
  UUID id;

  @Option(names = "--status", description = "only this status: ${COMPLETION-CANDIDATES}")
  dev.flowstate.db.ObjectStatus status;

  @Option(
      names = "--limit",
      defaultValue = "100",
      description = "at most this many, 1 to 100000 (default 100)")
  int limit;

  @Override
  public Integer call() throws SQLException {
    List<Object> params = new ArrayList<>(List.of(id));
    String sql =
        "SELECT pos AS position, status, data, error_text AS error FROM fs_object"
            + " WHERE workflow_id = ?"
            + (status == null ? "" : " AND status = ?")
            + " ORDER BY pos LIMIT "
            + Main.limit(spec, limit, 100_000);
    if (status != null) {
      params.add(status.name());
    }
    List<Map<String, Object>> rows = main.database().query(id, sql, params, Set.of("data"));
    if (main.json) {
      Output.json(main.out, Output.array(rows));
    } else {
      Output.table(main.out, rows, List.of("position", "status", "data", "error"), 70);
    }
    return 0;
  }
}
