package dev.flowstate.db;

class MariaDbSavePointsTest extends SavePointsContract {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
