package dev.flowstate.db;

/**
 * {@link KillNineTest}'s crash promise on MariaDB, with fewer trials in CI (its 20 run on
 * PostgreSQL; {@code -Dflowstate.killTrials} sets both).
 */
class MariaDbKillNineTest extends KillNineTest {
  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }

  @Override
  int trials() {
    return Integer.getInteger("flowstate.killTrials", 6);
  }
}
