package dev.flowstate.db;

class PostgresSavePointsTest extends SavePointsContract {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
