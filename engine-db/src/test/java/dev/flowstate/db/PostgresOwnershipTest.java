package dev.flowstate.db;

class PostgresOwnershipTest extends OwnershipContract {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
