package dev.flowstate.db.internal;

import java.util.Locale;
import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolver;

/**
 * MySQL's driver calls a MariaDB "MySQL" version 5.5.5 (the prefix MariaDB sends old clients):
 * Hibernate's own resolution would then take MySQL's dialect, whose JSON casts MariaDB refuses, or
 * a MariaDB too old for sequences. This resolver, asked first with the metadata Hibernate reads on
 * its own first connection, answers MariaDB's dialect of the version in the version text; for any
 * other database it answers null and Hibernate resolves as usual. Internal: public only because
 * Hibernate instantiates it by name.
 */
public final class MariaDbDialectResolver implements DialectResolver {

  @Override
  public Dialect resolveDialect(DialectResolutionInfo info) {
    String version = String.valueOf(info.getDatabaseVersion()).toLowerCase(Locale.ROOT);
    String product = String.valueOf(info.getDatabaseName()).toLowerCase(Locale.ROOT);
    return version.contains("mariadb") && !product.contains("mariadb")
        ? new MariaDBDialect(mariaDbVersion(version))
        : null;
  }

  /** "5.5.5-10.11.19-MariaDB-0+deb12u1" and "10.11.19-MariaDB" are both 10.11.19. */
  static DatabaseVersion mariaDbVersion(String text) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(\\d+)\\.(\\d+)\\.(\\d+)-MariaDB", java.util.regex.Pattern.CASE_INSENSITIVE)
            .matcher(String.valueOf(text));
    return m.find()
        ? DatabaseVersion.make(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)))
        : DatabaseVersion.make(10, 6);
  }
}
