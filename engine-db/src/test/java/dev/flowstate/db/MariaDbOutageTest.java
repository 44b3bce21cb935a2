package dev.flowstate.db;

/** {@link OutageTest}: MariaDB cut behind the TCP proxy mid-run and restored. */
class MariaDbOutageTest extends OutageTest {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
