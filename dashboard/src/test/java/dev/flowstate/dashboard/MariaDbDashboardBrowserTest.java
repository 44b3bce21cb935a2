package dev.flowstate.dashboard;

class MariaDbDashboardBrowserTest extends DashboardBrowserContract {
  @Override
  Fixture fixture() {
    return Fixture.mariadb();
  }
}
