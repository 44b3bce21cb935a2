package example;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.StoreException;
import org.junit.jupiter.api.Test;

/** flowstate leaves the JDBC driver to the application: without H2, the default says so. */
class NoDriverTest {

  @Test
  void defaultDatabaseWithoutH2_namesTheDependencyToAdd() {
    StoreException e = assertThrows(StoreException.class, () -> Flowstate.builder().build());
    assertTrue(
        e.getMessage()
            .endsWith(
                " needs H2's driver (com.h2database:h2) on the classpath: add it to your build as"
                    + " a runtime dependency (flowstate leaves the driver to the application); it"
                    + " is the default embedded database, used when no jdbcUrl(...) or"
                    + " dataSource(...) is set"),
        e.getMessage());
  }
}
