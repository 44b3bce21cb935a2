package dev.flowstate.db;

class PostgresOperatorReadsTest extends OperatorReadsContract {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
