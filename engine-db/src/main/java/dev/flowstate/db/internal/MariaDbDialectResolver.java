package dev.flowstate.db.internal;

import java.util.Locale;
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
        ? new MariaDBDialect(Store.mariaDbVersion(version))
        : null;
  }
}
