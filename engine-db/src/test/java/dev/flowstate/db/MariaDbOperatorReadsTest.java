package dev.flowstate.db;

class MariaDbOperatorReadsTest extends OperatorReadsContract {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
