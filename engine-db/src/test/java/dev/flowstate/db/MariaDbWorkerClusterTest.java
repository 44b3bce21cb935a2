package dev.flowstate.db;

/** {@link WorkerClusterTest}'s clustering and takeover, worker JVMs sharing one MariaDB. */
class MariaDbWorkerClusterTest extends WorkerClusterTest {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
