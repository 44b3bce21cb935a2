package dev.flowstate.cli;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "show",
    description =
        "One workflow: status, positions, extra data, halt, last error, definition, owner.",
    footer = "Example: ./flowstate show 6f1c…")
final class ShowCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(paramLabel = "ID", description = "the workflow's id")
  UUID id;

  @Override
  public Integer call() throws SQLException {
    List<Map<String, Object>> rows =
        main.database()
            .query(
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
