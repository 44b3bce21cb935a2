package dev.flowstate.db;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2OperatorReadsTest extends OperatorReadsContract {
  @TempDir Path folder;

  @Override
  TestDatabase database() {
    return TestDatabase.h2(folder);
  }
}
