package dev.flowstate.db;

class MariaDbCrossProcessTest extends CrossProcessContract {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
