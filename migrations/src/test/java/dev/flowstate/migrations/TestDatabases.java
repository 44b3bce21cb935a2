package dev.flowstate.migrations;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The databases tests run on; PostgreSQL as {@link PostgresForTests} finds it, MariaDB as {@link
 * MariaDbForTests} does.
 */
final class TestDatabases {
  private TestDatabases() {}

  static DataSource h2(String name) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return dataSource;
  }

  static DataSource mariadb() {
    try {
      org.mariadb.jdbc.MariaDbDataSource dataSource = new org.mariadb.jdbc.MariaDbDataSource();
      dataSource.setUrl(MariaDbForTests.jdbcUrl());
      return dataSource;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static DataSource postgres() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(PostgresForTests.jdbcUrl());
    return dataSource;
  }
}
