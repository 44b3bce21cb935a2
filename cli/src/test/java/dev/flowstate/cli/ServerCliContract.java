package dev.flowstate.cli;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.FlowstateBuilder;
import java.util.List;

/** {@link CliContract} on a database server, in a schema of its own per test class instance. */
abstract class ServerCliContract extends CliContract {
  final String url = url();
  final String schema = "fs_cli_" + Long.toHexString(System.nanoTime());

  /** The server's JDBC URL, user and password included. */
  abstract String url();

  @Override
  List<String> target() {
    return List.of("--db", url, "--schema", schema);
  }

  @Override
  FlowstateBuilder flowstate() {
    return Flowstate.builder().jdbcUrl(url).schema(schema);
  }
}
