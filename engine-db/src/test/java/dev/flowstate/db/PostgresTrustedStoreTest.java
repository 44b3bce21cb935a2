package dev.flowstate.db;

class PostgresTrustedStoreTest extends TrustedStoreContract {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
