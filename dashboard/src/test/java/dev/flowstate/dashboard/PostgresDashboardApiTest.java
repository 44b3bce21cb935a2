package dev.flowstate.dashboard;

class PostgresDashboardApiTest extends DashboardApiContract {
  @Override
  Fixture fixture() {
    return Fixture.postgres();
  }
}
