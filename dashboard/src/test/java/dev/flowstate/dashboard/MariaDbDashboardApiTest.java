package dev.flowstate.dashboard;

class MariaDbDashboardApiTest extends DashboardApiContract {
  @Override
  Fixture fixture() {
    return Fixture.mariadb();
  }
}
