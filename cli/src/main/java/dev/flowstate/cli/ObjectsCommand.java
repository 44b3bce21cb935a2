package dev.flowstate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstate.db.StoredObject;
import dev.flowstate.db.WorkflowQuery;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    int wanted = Main.limit(spec, limit, 100_000);
    List<StoredObject<JsonNode>> objects =
        main.database()
            .reading(
                id,
                (reader, c) -> {
                  // the reader's pages hold at most WorkflowQuery.MAX_LIMIT objects
                  List<StoredObject<JsonNode>> read = new ArrayList<>();
                  while (read.size() < wanted) {
                    int page = Math.min(wanted - read.size(), WorkflowQuery.MAX_LIMIT);
                    var next = reader.objects(c, id, JsonNode.class, status, read.size(), page);
                    read.addAll(next);
                    if (next.size() < page) {
                      break;
                    }
                  }
                  return read;
                });
    List<Map<String, Object>> rows = new ArrayList<>(objects.size());
    for (StoredObject<JsonNode> o : objects) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("position", o.position());
      row.put("status", o.status().name());
      row.put("data", o.data());
      row.put("error", o.errorText());
      rows.add(row);
    }
    if (main.json) {
      Output.json(main.out, Output.array(rows));
    } else {
      Output.table(main.out, rows, List.of("position", "status", "data", "error"), 70);
    }
    return 0;
  }
}
