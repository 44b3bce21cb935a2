package dev.flowstate.db;

class MariaDbOwnershipTest extends OwnershipContract {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
