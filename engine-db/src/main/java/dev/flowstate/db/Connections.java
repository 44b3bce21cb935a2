package dev.flowstate.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.flowstate.migrations.DatabaseKind;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening the database for {@link FlowstateBuilder#build()}: the driver a URL needs, the kind of
 * database the first connection finds, the schema check without migrations, and what a database
 * that cannot be opened says (with any password masked).
 */
final class Connections {

  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

  private Connections() {}

  /**
   * flowstate leaves the JDBC driver to the application: a URL whose driver is missing fails here,
   * naming the dependency to add, instead of HikariCP's "no suitable driver".
   *
   * @param isDefault whether it is the default database, used when no URL or data source is set
   */
  static void requireDriver(String url, boolean isDefault) {
    DatabaseKind kind = DatabaseKind.ofUrl(url).orElse(null);
    if (kind != null && !visible(kind.driverClass())) {
      throw new StoreException(
          "the database "
              + DatabaseKind.masked(url)
              + " needs "
              + kind.driverDependency()
              + " on the classpath: add it to your build as a runtime dependency (flowstate"
              + " leaves the driver to the application)"
              + (isDefault
                  ? "; it is the default embedded database, used when no jdbcUrl(...) or"
                      + " dataSource(...) is set"
                  : ""));
    }
  }

  /**
   * The database's kind from a connection's metadata, read before migrating: the first connection
   * the build opens, so its failure is worded as the step it stops.
   */
  static DatabaseKind kindBeforeMigrating(DataSource ds, DatabaseKind told) {
    if (told != null && !told.mysqlFamily()) {
      return told; // nothing to read or check
    }
    try (var connection = ds.getConnection()) {
      DatabaseKind kind = told != null ? told : DatabaseKind.of(connection);
      requireUtcSession(connection, kind);
      return kind;
    } catch (java.sql.SQLException e) {
      throw new StoreException(
          "could not connect to the database to migrate the flowstate schema: "
              + e.getMessage()
              + "; check the JDBC URL, user and password, and that the server is running",
          e);
    }
  }

  /**
   * Refuses a database without flowstate's schema (migrate(false) was set); on the same connection,
   * reads the database's kind.
   *
   * @param told the kind the builder was told, or null
   * @return the kind told, else as {@link DatabaseKind#of(java.sql.Connection)} reads it
   */
  static DatabaseKind requireSchema(DataSource ds, String schema, DatabaseKind told) {
    try (var connection = ds.getConnection()) {
      DatabaseKind read = DatabaseKind.of(connection);
      DatabaseKind kind = told != null ? told : read;
      requireUtcSession(connection, kind);
      read.useSchema(connection, schema);
      // only the schema the store will use: fs_workflow elsewhere does not count, and listing
      // every schema's tables is slow on a server that has many
      var meta = connection.getMetaData();
      String current = read.currentSchema(connection);
      String escape = meta.getSearchStringEscape();
      String pattern =
          current == null || escape == null
              ? current
              : current.replace(escape, escape + escape).replace("_", escape + "_");
      try (var tables =
          read.mysqlFamily()
              ? meta.getTables(current, null, "%", new String[] {"TABLE"})
              : meta.getTables(null, pattern, "%", new String[] {"TABLE"})) {
        while (tables.next()) {
          if (tables.getString("TABLE_NAME").equalsIgnoreCase("fs_workflow")) {
            return kind;
          }
        }
      }
    } catch (java.sql.SQLException e) {
      throw new StoreException(
          "the database is unreachable: "
              + e.getMessage()
              + "; check the JDBC URL, user and password, and that the server is running",
          e);
    }
    throw new StoreException(
        "the database has no flowstate schema (table fs_workflow is missing) and migrate(false)"
            + " was set; run FlowstateMigrations.migrate(dataSource) or build with migrate(true)");
  }

  /** What the builder's own pool runs on each new connection of the MySQL family. */
  static final String UTC_SESSION = "SET time_zone = '+00:00'";

  /**
   * The MySQL family keeps instants in {@code TIMESTAMP} columns, which read and write them in the
   * session's time zone: in any zone but UTC every lease, due time and stamp would move by the
   * offset (found by the contracts run with a session at +05:00). The builder's own pool sets UTC
   * on each connection; a given {@code DataSource} must do the same, and one that does not is
   * refused here, before anything is written.
   */
  static void requireUtcSession(java.sql.Connection connection, DatabaseKind kind) {
    if (!kind.mysqlFamily()) {
      return;
    }
    String zone;
    try (var statement = connection.createStatement();
        var r =
            statement.executeQuery(
                "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW()), @@session.time_zone")) {
      r.next();
      if (r.getLong(1) == 0) {
        return;
      }
      zone = r.getString(2);
    } catch (java.sql.SQLException e) {
      throw new StoreException(
          "could not read the database session's time zone: "
              + e.getMessage()
              + "; check that the server is running",
          e);
    }
    throw new StoreException(
        "the "
            + (kind == DatabaseKind.MARIADB ? "MariaDB" : "MySQL")
            + " session's time zone is "
            + zone
            + ", not UTC: flowstate keeps instants in TIMESTAMP columns, which the session's zone"
            + " would shift. Make the pool set it on each connection: HikariCP's"
            + " connectionInitSql \""
            + UTC_SESSION
            + "\", or in the JDBC URL sessionVariables=time_zone='+00:00' (MariaDB's driver) or"
            + " connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true (MySQL's driver);"
            + " a pool flowstate makes from jdbcUrl(...) does it itself");
  }

  /** The database cannot be opened: the first line names the real cause, however deep. */
  static StoreException unreachable(String url, RuntimeException e) {
    String cause = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("already in use") || message.contains("is locked")) {
        return new StoreException(
            "the H2 database "
                + DatabaseKind.masked(url)
                + " is in use by another process that opened it without AUTO_SERVER=TRUE ("
                + dev.flowstate.migrations.Columns.firstLine(message)
                + "); add ;AUTO_SERVER=TRUE to the JDBC URL of every process that opens it"
                + " (flowstate's default URL has it), or stop the other process",
            e);
      }
      if (t.getCause() == null) {
        cause = dev.flowstate.migrations.Columns.firstLine(message);
      }
    }
    return new StoreException(
        "could not connect to the database "
            + DatabaseKind.masked(url)
            + ": "
            + cause
            + "; check the JDBC URL, user and password, and that the server is running",
        e);
  }

  /** An embedded H2 file lives relative to the working directory: say where, once. */
  static void logH2Folder(String url) {
    if (url.startsWith("jdbc:h2:file:")
        || (url.startsWith("jdbc:h2:")
            && !url.startsWith("jdbc:h2:mem:")
            && !url.startsWith("jdbc:h2:tcp:")
            && !url.startsWith("jdbc:h2:ssl:"))) {
      String path = url.substring(url.startsWith("jdbc:h2:file:") ? 13 : 8);
      int options = path.indexOf(';');
      path = options < 0 ? path : path.substring(0, options);
      LOG.info(
          "flowstate database: H2 file {}.mv.db (paths in the URL are relative to the working"
              + " directory)",
          java.nio.file.Path.of(path.replace("~", System.getProperty("user.home")))
              .toAbsolutePath()
              .normalize());
    }
  }

  static void closeQuietly(HikariDataSource pool) {
    if (pool != null) {
      pool.close();
    }
  }

  /** Whether a class is visible to flowstate's class loader or to the thread's (a container's). */
  static boolean visible(String className) {
    for (ClassLoader loader :
        new ClassLoader[] {
          Connections.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
        }) {
      try {
        Class.forName(className, false, loader);
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        // not from this loader
      }
    }
    return false;
  }
}
