package dev.flowstate.db;

class PostgresWorkerPoolTest extends WorkerPoolContract {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
