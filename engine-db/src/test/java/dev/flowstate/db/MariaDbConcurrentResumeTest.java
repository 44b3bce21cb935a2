package dev.flowstate.db;

/** {@link ConcurrentResumeTest}'s races, between threads and between JVMs, on MariaDB. */
class MariaDbConcurrentResumeTest extends ConcurrentResumeTest {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
