package dev.flowstate.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.Task;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration and bad rows get clear errors. */
class FlowstateBuilderTest {

  @TempDir Path folder;

  @Test
  void unreachableDatabase_saysSoAndWhatToCheck() {
    org.postgresql.ds.PGSimpleDataSource nowhere = new org.postgresql.ds.PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/none");

    assertThatThrownBy(() -> Flowstate.builder().dataSource(nowhere).build())
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("could not connect to the database to migrate the flowstate schema: ")
        .hasMessageEndingWith("; check the JDBC URL, user and password, and that the server is running");
  }

  @Test
  void schemaNotMigrated_withMigrateFalse_saysHowToFixIt() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + folder.resolve("empty").toAbsolutePath());

    assertThatThrownBy(() -> Flowstate.builder().dataSource(ds).migrate(false).build())
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "the database has no flowstate schema (table fs_workflow is missing) and migrate(false)"
                + " was set; run FlowstateMigrations.migrate(dataSource) or build with migrate(true)");
  }

  @Test
  void dataSourceAndJdbcUrl_bothGiven_isRefused() {
    assertThatThrownBy(() -> Flowstate.builder().jdbcUrl("jdbc:h2:mem:x").dataSource(new JdbcDataSource()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("jdbcUrl is already set; give a DataSource or a JDBC URL, not both");
  }

  @Test
  void corruptObjectRow_failsOnResumeNamingObjectAndType() throws Exception {
    TestDatabase db = TestDatabase.h2(folder);
    Flow<Doc> flow = Flow.of(Task.named("h", (d, e) -> {
      if (d.n++ == 0) {
        e.halt("wait");
      }
    }));
    try (Flowstate flowstate = db.flowstate().build()) {
      flowstate.register("f", Doc.class, flow);
      DbWorkflowEngine<Doc> engine = flowstate.newWorkflow("f", Doc.class);
      assertThatThrownBy(() -> engine.process(Doc.docs("A"))).isInstanceOf(HaltProcessing.class);
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE fs_object SET data = JSON '{\"n\": \"not a number\"}'");
      }
      DbWorkflowEngine<Doc> resumed = flowstate.load(engine.id(), Doc.class);

      assertThatThrownBy(() -> resumed.restart(RestartPosition.CURRENT, RestartPosition.CURRENT))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith(
              "object 0 of workflow " + engine.id() + " has data that cannot be read as dev.flowstate.db.Doc: ");
      assertThat(flowstate.status(engine.id())).contains(WorkflowStatus.HALTED);
    }
  }
}
