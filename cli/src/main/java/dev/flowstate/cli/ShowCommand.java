package dev.flowstate.cli;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.StoredWorkflow;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
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
    StoredWorkflow w =
        main.database()
            .reading(null, (reader, c) -> reader.workflow(c, id))
            .orElseThrow(
                () ->
                    new CliException(
                        "no workflow with id " + id + "; list them with: ./flowstate list"));
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", w.id().toString());
    row.put("definition", w.definitionName());
    row.put("fingerprint", w.definitionFingerprint());
    row.put("status", w.statusLabel());
    row.put("ended_by", w.endedBy());
    row.put("token_pos", w.tokenPos());
    row.put("callback_pos", Output.tree(w.callbackPos()));
    row.put("extra_data", w.extraData().isEmpty() ? null : Output.tree(w.extraData()));
    row.put("halt_message", w.haltMessage());
    row.put("halt_action", w.haltAction());
    row.put("halt_payload", Output.tree(w.haltPayload()));
    row.put("last_error", w.lastError());
    row.put("objects", w.objects());
    row.put("objects_completed", ListCommand.count(w, ObjectStatus.COMPLETED));
    row.put(
        "objects_stuck",
        ListCommand.count(w, ObjectStatus.HALTED) + ListCommand.count(w, ObjectStatus.ERROR));
    row.put("owner", w.owner());
    row.put("lease_until", Output.time(w.leaseUntil()));
    row.put("resume_at", Output.time(w.resumeAt()));
    row.put("created_at", Output.time(w.createdAt()));
    row.put("modified_at", Output.time(w.modifiedAt()));
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
