package dev.flowstate.db;

class MariaDbWorkerPoolTest extends WorkerPoolContract {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
