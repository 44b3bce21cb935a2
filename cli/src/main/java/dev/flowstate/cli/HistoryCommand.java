package dev.flowstate.cli;

import dev.flowstate.db.ObjectRun;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    List<ObjectRun> runs =
        main.database()
            .reading(
                id,
                (reader, c) ->
                    object == null ? reader.history(c, id) : reader.history(c, id, object));
    List<Map<String, Object>> rows = new ArrayList<>(runs.size());
    for (ObjectRun run : runs) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("position", run.position());
      row.put("outcome", run.outcome());
      row.put("started", Output.time(run.startedAt()));
      row.put("ended", Output.time(run.endedAt()));
      row.put("message", run.message());
      row.put("ms", run.endedAt() == null ? null : run.duration().toMillis());
      rows.add(row);
    }
    if (main.json) {
      Output.json(main.out, Output.array(rows));
    } else {
      Output.table(main.out, rows, List.of("position", "outcome", "started", "ms", "message"), 80);
    }
  }
}
