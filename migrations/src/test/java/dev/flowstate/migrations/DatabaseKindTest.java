package dev.flowstate.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import org.junit.jupiter.api.Test;

class DatabaseKindTest {

  @Test
  void kind_isReadFromTheConnectionsMetadata() throws Exception {
    try (Connection h2 = TestDatabases.h2("kind").getConnection();
        Connection postgres = TestDatabases.postgres().getConnection()) {
      assertThat(DatabaseKind.of(h2)).isEqualTo(DatabaseKind.H2);
      assertThat(DatabaseKind.of(postgres)).isEqualTo(DatabaseKind.POSTGRESQL);
    }
  }

  @Test
  void kindOfAUrl_namesTheFamilyAndItsDriver_orNothingForAnUnknownOne() {
    assertThat(DatabaseKind.ofUrl("jdbc:postgresql://db/app")).contains(DatabaseKind.POSTGRESQL);
    assertThat(DatabaseKind.ofUrl("jdbc:h2:./data/flowstate")).contains(DatabaseKind.H2);
    assertThat(DatabaseKind.ofUrl("jdbc:sqlite:app.db")).isEmpty();
    assertThat(DatabaseKind.ofUrl(null)).isEmpty();
    assertThat(DatabaseKind.POSTGRESQL.driverClass()).isEqualTo("org.postgresql.Driver");
    assertThat(DatabaseKind.H2.driverDependency()).isEqualTo("H2's driver (com.h2database:h2)");
  }

  @Test
  void metadataNames_areFoldedAsEachFamilyFoldsUnquotedNames() {
    assertThat(DatabaseKind.POSTGRESQL.metadataName("fs_workflow")).isEqualTo("fs_workflow");
    assertThat(DatabaseKind.H2.metadataName("fs_workflow")).isEqualTo("FS_WORKFLOW");
  }

  @Test
  void placeholders_followTheKind() {
    assertThat(FlowstateMigrations.placeholders(DatabaseKind.POSTGRESQL))
        .containsEntry(FlowstateMigrations.JSON_TYPE_PLACEHOLDER, "JSONB")
        .containsEntry(FlowstateMigrations.PG_ONLY_PLACEHOLDER, "");
    assertThat(FlowstateMigrations.placeholders(DatabaseKind.H2))
        .containsEntry(FlowstateMigrations.JSON_TYPE_PLACEHOLDER, "JSON")
        .containsEntry(FlowstateMigrations.PG_ONLY_PLACEHOLDER, "-- ");
    assertThatThrownBy(() -> FlowstateMigrations.placeholders((DatabaseKind) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kind must not be null");
  }
}
