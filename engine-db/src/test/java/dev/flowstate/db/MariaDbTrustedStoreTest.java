package dev.flowstate.db;

class MariaDbTrustedStoreTest extends TrustedStoreContract {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
