package dev.flowstate.cli;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "history",
    description = "A workflow's task history: one row per object run, with its duration.",
    footer = "Example: ./flowstate history 6f1c… --object 3")
final class HistoryCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(paramLabel = "ID", description = "the workflow's id")
  UUID id;

  @Option(names = "--object", paramLabel = "POS", description = "only this object's runs")
  Integer object;

  @Override
  public Integer call() throws SQLException {
    print(main, id, object);
    return 0;
  }

  /** Prints a workflow's task history, of one object or of all. */
  static void print(Main main, UUID id, Integer object) {
    List<Object> params = new ArrayList<>(List.of(id));
    String sql =
        "SELECT pos AS position, outcome, started_at AS started, ended_at AS ended,"
            + " message FROM fs_object_run WHERE workflow_id = ?"
            + (object == null ? "" : " AND pos = ?")
            + " ORDER BY started_at, id";
    if (object != null) {
      params.add(object);
    }
    List<Map<String, Object>> rows = main.database().query(id, sql, params, Set.of());
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
    if (main.json) {
      Output.json(main.out, Output.array(rows));
    } else {
      Output.table(main.out, rows, List.of("position", "outcome", "started", "ms", "message"), 80);
    }
  }
}
