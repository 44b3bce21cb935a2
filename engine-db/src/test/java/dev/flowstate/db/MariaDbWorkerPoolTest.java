package dev.flowstate.db;

import org.junit.jupiter.api.Test;

class MariaDbWorkerPoolTest extends WorkerPoolContract {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }

  @Test
  @Override
  void lockedRow_isSkippedByTheClaim_andRunOnceItIsReleased() throws Exception {
    super.lockedRow_isSkippedByTheClaim_andRunOnceItIsReleased();
  }
}
