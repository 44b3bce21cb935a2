package dev.flowstate.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import org.junit.jupiter.api.Test;

class DatabaseKindTest {

  @Test
  void kind_isReadFromTheConnectionsMetadata() throws Exception {
    try (Connection h2 = TestDatabases.h2("kind").getConnection();
        Connection postgres = TestDatabases.postgres().getConnection();
        Connection mariadb = TestDatabases.mariadb().getConnection()) {
      assertThat(DatabaseKind.of(h2)).isEqualTo(DatabaseKind.H2);
      assertThat(DatabaseKind.of(postgres)).isEqualTo(DatabaseKind.POSTGRESQL);
      assertThat(DatabaseKind.of(mariadb)).isEqualTo(DatabaseKind.MARIADB);
    }
  }

  @Test
  void mysqlFamily_isMariaDbAndMySql() {
    assertThat(DatabaseKind.values())
        .filteredOn(DatabaseKind::mysqlFamily)
        .containsExactly(DatabaseKind.MARIADB, DatabaseKind.MYSQL);
    assertThat(FlowstateMigrations.locations(DatabaseKind.MYSQL))
        .containsExactly(FlowstateMigrations.MYSQL_LOCATION, FlowstateMigrations.VIEWS_LOCATION);
    assertThat(FlowstateMigrations.locations(DatabaseKind.H2))
        .containsExactly(FlowstateMigrations.LOCATION);
  }

  @Test
  void masked_hidesPasswordParameters_andThePasswordOfAUserInfo() {
    assertThat(DatabaseKind.masked("jdbc:postgresql://db/app?user=a&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/app?user=a&password=<masked>&ssl=true");
    assertThat(DatabaseKind.masked("jdbc:h2:tcp://db/x;USER=sa;PASSWORD=s3cret"))
        .isEqualTo("jdbc:h2:tcp://db/x;USER=sa;PASSWORD=<masked>");
    assertThat(DatabaseKind.masked("jdbc:mysql://app:s3cret@db:3306/app?useSSL=true"))
        .isEqualTo("jdbc:mysql://app:<masked>@db:3306/app?useSSL=true");
    assertThat(DatabaseKind.masked("jdbc:mariadb://db:3306/app?email=a@b.c"))
        .isEqualTo("jdbc:mariadb://db:3306/app?email=a@b.c");
  }

  @Test
  void kindOfAUrl_namesTheFamilyAndItsDriver_orNothingForAnUnknownOne() {
    assertThat(DatabaseKind.ofUrl("jdbc:postgresql://db/app")).contains(DatabaseKind.POSTGRESQL);
    assertThat(DatabaseKind.ofUrl("jdbc:h2:./data/flowstate")).contains(DatabaseKind.H2);
    assertThat(DatabaseKind.ofUrl("jdbc:mariadb://db/app")).contains(DatabaseKind.MARIADB);
    assertThat(DatabaseKind.ofUrl("jdbc:mysql://db/app")).contains(DatabaseKind.MYSQL);
    assertThat(DatabaseKind.ofUrl("jdbc:sqlite:app.db")).isEmpty();
    assertThat(DatabaseKind.ofUrl(null)).isEmpty();
    assertThat(DatabaseKind.POSTGRESQL.driverClass()).isEqualTo("org.postgresql.Driver");
    assertThat(DatabaseKind.H2.driverDependency()).isEqualTo("H2's driver (com.h2database:h2)");
  }

  @Test
  void metadataNames_areFoldedAsEachFamilyFoldsUnquotedNames() {
    assertThat(DatabaseKind.POSTGRESQL.metadataName("fs_workflow")).isEqualTo("fs_workflow");
    assertThat(DatabaseKind.H2.metadataName("fs_workflow")).isEqualTo("FS_WORKFLOW");
    assertThat(DatabaseKind.MARIADB.metadataName("fs_workflow")).isEqualTo("fs_workflow");
  }

  @Test
  void placeholders_followTheKind() {
    assertThat(FlowstateMigrations.placeholders(DatabaseKind.POSTGRESQL))
        .containsEntry(FlowstateMigrations.JSON_TYPE_PLACEHOLDER, "JSONB")
        .containsEntry(FlowstateMigrations.PG_ONLY_PLACEHOLDER, "");
    assertThat(FlowstateMigrations.placeholders(DatabaseKind.H2))
        .containsEntry(FlowstateMigrations.JSON_TYPE_PLACEHOLDER, "JSON")
        .containsEntry(FlowstateMigrations.PG_ONLY_PLACEHOLDER, "-- ");
    assertThat(FlowstateMigrations.placeholders(DatabaseKind.MARIADB))
        .containsEntry(FlowstateMigrations.MARIADB_ONLY_PLACEHOLDER, "")
        .containsEntry(FlowstateMigrations.MYSQL_ONLY_PLACEHOLDER, "-- ");
    assertThat(FlowstateMigrations.placeholders(DatabaseKind.MYSQL))
        .containsEntry(FlowstateMigrations.MARIADB_ONLY_PLACEHOLDER, "-- ")
        .containsEntry(FlowstateMigrations.MYSQL_ONLY_PLACEHOLDER, "");
    assertThatThrownBy(() -> FlowstateMigrations.placeholders((DatabaseKind) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kind must not be null");
  }
}
