package dev.flowstate.db.internal;

import dev.flowstate.migrations.DatabaseKind;

/**
 * flowstate's store, by table: what the engine and the worker pools read and write, each from the
 * class of the table it touches, over one {@link Store} that begins and ends every transaction.
 *
 * @param sessions the session factory and its transactions
 * @param workflows the workflow rows: new workflows, save points, resume requests, rows read back
 * @param objects the object rows and the history rows written with them
 * @param ownership claims, leases, stalled runs: who holds a workflow
 * @param workers the worker pools' heartbeat rows
 */
public record Tables(
    Store sessions,
    WorkflowTable workflows,
    ObjectTable objects,
    Ownership ownership,
    WorkerTable workers) {

  /**
   * @param sessions the session factory over the entities
   * @return the tables over it, with the dialect of its database
   */
  public static Tables of(Store sessions) {
    Dialect dialect =
        sessions.kind() == DatabaseKind.POSTGRESQL
            ? new PostgresDialect(sessions)
            : sessions.kind().mysqlFamily() ? new MySqlDialect(sessions) : new StandardDialect();
    ObjectTable objects = new ObjectTable(sessions, dialect);
    return new Tables(
        sessions,
        new WorkflowTable(sessions, dialect, objects),
        objects,
        new Ownership(sessions, dialect),
        new WorkerTable(sessions));
  }
}
