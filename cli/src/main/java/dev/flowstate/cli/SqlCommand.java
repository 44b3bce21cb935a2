package dev.flowstate.cli;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "sql",
    description =
        "A read-only query, printed as a table: in a read-only transaction; statements that"
            + " write are refused.",
    footer =
        "Example: ./flowstate sql \"SELECT status_label, COUNT(*) FROM fs_workflow_status GROUP"
            + " BY status_label\"")
final class SqlCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  /*
   * Functions that write or act although called from a SELECT, which a read-only transaction and
   * its rollback do not stop: files written on the database's host (H2's CSVWRITE and
   * FILE_WRITE, PostgreSQL's large-object exports and adminpack, the MySQL family's SELECT … INTO
   * OUTFILE), sequences (not transactional), locks held past the rollback (advisory, GET_LOCK),
   * statements run elsewhere (dblink), tables linked in (H2's LINK_SCHEMA commits DDL), other
   * sessions ended, server settings and logs. Matched anywhere, string literals included: a
   * harmless query naming one is refused too, which is safer than parsing every dialect's quotes.
   * A database's own user-defined functions cannot be told apart: give the command a user with
   * read rights only where that matters.
   */
  static final java.util.regex.Pattern WRITES =
      java.util.regex.Pattern.compile(
          "(?i)(?<![a-z0-9_$])(csvwrite|file_write|link_schema|cancel_session|abort_session"
              + "|next\\s+value\\s+for|nextval|setval|lo_[a-z_]+|lowrite|pg_file_[a-z_]+"
              + "|dblink[a-z_]*|pg_terminate_backend|pg_cancel_backend|pg_reload_conf"
              + "|pg_rotate_logfile|pg_switch_wal|pg_create_restore_point|pg_promote|pg_notify"
              + "|set_config|pg_stat_reset[a-z_]*|pg_create_[a-z_]*replication_slot"
              + "|pg_drop_replication_slot|pg_replication_origin_[a-z_]+"
              + "|pg_logical_emit_message|pg_import_system_collations|pg_backup_start"
              + "|pg_backup_stop|pg_start_backup|pg_stop_backup|pg_log_backend_memory_contexts"
              + "|pg_advisory_[a-z_]*lock[a-z_]*"
              + "|into\\s+outfile|into\\s+dumpfile|get_lock|release_lock|release_all_locks)"
              + "(?![a-z0-9_$])");

  @Parameters(paramLabel = "QUERY", description = "SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN")
  String query;

  @Override
  public Integer call() throws SQLException {
    String first = query.strip().split("\\s+", 2)[0].toUpperCase();
    if (!Set.of("SELECT", "WITH", "VALUES", "TABLE", "SHOW", "EXPLAIN").contains(first)
        || query.strip().replaceAll(";\\s*$", "").contains(";")
        || WRITES.matcher(query).find()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "sql runs one read-only query (SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN), got: "
              + Output.oneLine(query, 60));
    }
    List<Map<String, Object>> rows = main.database().query(query.strip().replaceAll(";\\s*$", ""));
    if (main.json) {
      Output.json(main.out, Output.array(rows));
    } else if (rows.isEmpty()) {
      main.out.println("(no rows)");
    } else {
      Output.table(main.out, rows, new ArrayList<>(rows.get(0).keySet()), 80);
    }
    return 0;
  }
}
