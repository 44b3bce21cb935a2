package dev.flowstate.migrations;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * The database families flowstate knows. Decided in one place, here: from a connection's metadata
 * once a connection exists ({@link #of(Connection)}), from the JDBC URL before (which driver a URL
 * needs, {@link #ofUrl(String)}). The migrations, the store and the command line all take the kind
 * this class decides; a builder may set it instead (a database behind a proxy that names itself
 * otherwise).
 */
public enum DatabaseKind {
  /** H2 2.x, embedded or over TCP: flowstate's default database. */
  H2("jdbc:h2:", "org.h2.Driver", "H2's driver (com.h2database:h2)"),
  /**
   * PostgreSQL: {@code JSONB} columns, partial indexes, set-based save points and claims that
   * return the claimed rows.
   */
  POSTGRESQL(
      "jdbc:postgresql:",
      "org.postgresql.Driver",
      "PostgreSQL's driver (org.postgresql:postgresql)"),
  /**
   * MariaDB 10.6 and later: the MySQL family's schema ({@code JSON} as checked text, sequences),
   * claims with {@code SKIP LOCKED}.
   */
  MARIADB(
      "jdbc:mariadb:",
      "org.mariadb.jdbc.Driver",
      "MariaDB's driver (org.mariadb.jdbc:mariadb-java-client)"),
  /**
   * MySQL 8.0 and later: the MySQL family's schema (native {@code JSON}, a table in place of each
   * sequence), claims with {@code SKIP LOCKED}.
   */
  MYSQL("jdbc:mysql:", "com.mysql.cj.jdbc.Driver", "MySQL's driver (com.mysql:mysql-connector-j)"),
  /** Any other database: standard SQL and Hibernate's statements only; not tested. */
  OTHER(null, null, null);

  private final String urlPrefix;
  private final String driverClass;
  private final String driverDependency;

  DatabaseKind(String urlPrefix, String driverClass, String driverDependency) {
    this.urlPrefix = urlPrefix;
    this.driverClass = driverClass;
    this.driverDependency = driverDependency;
  }

  /**
   * The kind of the database {@code connection} is open to, from its metadata's product name.
   *
   * @param connection an open connection
   * @return the kind; {@link #OTHER} for a database flowstate has no family for
   * @throws SQLException if the metadata cannot be read
   */
  public static DatabaseKind of(Connection connection) throws SQLException {
    var metadata = connection.getMetaData();
    String product = metadata.getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgres")) {
      return POSTGRESQL;
    }
    if (product.contains("mariadb")) {
      return MARIADB;
    }
    if (product.contains("mysql")) {
      // MySQL's driver calls every server of the family MySQL; a MariaDB says so in its version
      String version = String.valueOf(metadata.getDatabaseProductVersion());
      return version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
    }
    return product.equals("h2") ? H2 : OTHER;
  }

  /**
   * The kind a JDBC URL names, for what must be decided before a connection exists (the driver to
   * require, the driver's own settings).
   *
   * @param jdbcUrl a JDBC URL
   * @return the kind, or empty when the URL names no family flowstate knows (or is null)
   */
  public static Optional<DatabaseKind> ofUrl(String jdbcUrl) {
    if (jdbcUrl != null) {
      for (DatabaseKind kind : values()) {
        if (kind.urlPrefix != null && jdbcUrl.startsWith(kind.urlPrefix)) {
          return Optional.of(kind);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A JDBC URL as messages and logs show it: the value of any password parameter masked (as
   * PostgreSQL's {@code password=} and H2's {@code PASSWORD=} write it), and the password of a
   * {@code //user:password@host} authority (as MySQL's and MariaDB's drivers accept it).
   *
   * @param jdbcUrl a JDBC URL
   * @return the URL with each password's value replaced by {@code <masked>}
   */
  public static String masked(String jdbcUrl) {
    return jdbcUrl
        .replaceAll("(?i)(password\\s*=)[^;&]*", "$1<masked>")
        .replaceAll("(//[^/:@;?&]+:)[^/@]*@", "$1<masked>@");
  }

  /**
   * An identifier quoted as this family quotes it, so that its case is kept as Flyway created it
   * (unquoted, H2 would look for a lowercase schema in upper case).
   *
   * @param identifier a schema's or table's name
   * @return the name in backticks on the MySQL family, in double quotes elsewhere
   */
  public String quote(String identifier) {
    return mysqlFamily() ? '`' + identifier + '`' : '"' + identifier + '"';
  }

  /**
   * Makes {@code schema} the connection's current schema. The MySQL family has no schemas inside a
   * database: a schema there is a database, the connection's catalog.
   *
   * @param connection an open connection
   * @param schema the schema, or null to leave the connection's own
   * @throws SQLException if the schema cannot be set (it does not exist)
   */
  public void useSchema(Connection connection, String schema) throws SQLException {
    if (schema == null) {
      return;
    }
    if (mysqlFamily()) {
      connection.setCatalog(schema);
    } else {
      connection.setSchema(schema);
    }
  }

  /**
   * The connection's current schema, as {@link #useSchema} sets it.
   *
   * @param connection an open connection
   * @return the schema (the MySQL family's current database), or null if it has none
   * @throws SQLException if the connection cannot say
   */
  public String currentSchema(Connection connection) throws SQLException {
    return mysqlFamily() ? connection.getCatalog() : connection.getSchema();
  }

  /**
   * The last instant this family's instant columns hold.
   *
   * @return {@code 2038-01-19T03:14:07.999999Z} on the MySQL family, whose {@code TIMESTAMP} ends
   *     there (MariaDB 11.5 and later reach 2106; flowstate holds to the older limit); {@link
   *     java.time.Instant#MAX} elsewhere
   */
  public java.time.Instant latestInstant() {
    return mysqlFamily() ? MYSQL_LATEST : java.time.Instant.MAX;
  }

  private static final java.time.Instant MYSQL_LATEST =
      java.time.Instant.parse("2038-01-19T03:14:07.999999Z");

  /**
   * @return whether this is MariaDB or MySQL, which share a schema and a dialect
   */
  public boolean mysqlFamily() {
    return this == MARIADB || this == MYSQL;
  }

  /**
   * @return the class name of this family's JDBC driver ({@code null} for {@link #OTHER})
   */
  public String driverClass() {
    return driverClass;
  }

  /**
   * @return the driver's Maven coordinates as an error message names them ({@code null} for {@link
   *     #OTHER})
   */
  public String driverDependency() {
    return driverDependency;
  }

  /**
   * How the database's metadata spells an unquoted identifier: PostgreSQL folds it to lower case,
   * the MySQL family keeps it as written (flowstate writes lower case), H2 (and the standard) folds
   * it to upper case.
   *
   * @param name an identifier as flowstate writes it (lower case)
   * @return the name as {@code DatabaseMetaData} lists it
   */
  public String metadataName(String name) {
    return this == POSTGRESQL || mysqlFamily() ? name : name.toUpperCase(Locale.ROOT);
  }
}
