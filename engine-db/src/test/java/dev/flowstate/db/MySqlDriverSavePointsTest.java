package dev.flowstate.db;

/**
 * The save points contract on MariaDB through MySQL's driver (see {@link
 * TestDatabase#mariadbThroughMySqlDriver}).
 */
class MySqlDriverSavePointsTest extends SavePointsContract {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadbThroughMySqlDriver();
  }
}
