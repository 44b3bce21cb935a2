package dev.flowstate.db;

import org.junit.jupiter.api.Test;

/**
 * The worker pool contract on MariaDB through MySQL's driver (see {@link
 * TestDatabase#mariadbThroughMySqlDriver}).
 */
class MySqlDriverWorkerPoolTest extends WorkerPoolContract {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadbThroughMySqlDriver();
  }

  @Test
  @Override
  void lockedRow_isSkippedByTheClaim_andRunOnceItIsReleased() throws Exception {
    super.lockedRow_isSkippedByTheClaim_andRunOnceItIsReleased();
  }
}
