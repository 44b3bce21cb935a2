package dev.flowstate.dashboard;

class PostgresDashboardBrowserTest extends DashboardBrowserContract {
  @Override
  Fixture fixture() {
    return Fixture.postgres();
  }
}
