package dev.flowstate.dashboard;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2DashboardBrowserTest extends DashboardBrowserContract {
  @TempDir Path folder;

  @Override
  Fixture fixture() {
    return Fixture.h2(folder);
  }
}
