package dev.flowstate.db;

class PostgresCrossProcessTest extends CrossProcessContract {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
