package dev.flowstate.db.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.hibernate.dialect.DatabaseVersion;
import org.junit.jupiter.api.Test;

class StoreTest {

  /**
   * MySQL's driver reports a MariaDB 10.11 as "5.5.5-10.11.19-MariaDB-0+deb12u1" (major version 5);
   * MariaDB's own driver as "10.11.19-MariaDB". Both are 10.11.19; text without a MariaDB version
   * is taken for the oldest supported, 10.6.
   */
  @Test
  void mariaDbVersion_isReadPastTheOldClientsPrefix() {
    assertThat(version("5.5.5-10.11.19-MariaDB-0+deb12u1")).isEqualTo("10.11.19");
    assertThat(version("10.6.21-MariaDB")).isEqualTo("10.6.21");
    assertThat(version("11.4.2-MariaDB-ubu2404-log")).isEqualTo("11.4.2");
    assertThat(version("8.0.36")).isEqualTo("10.6.0");
    assertThat(version(null)).isEqualTo("10.6.0");
  }

  /**
   * JPA wraps a deadlock in the same OptimisticLockException as a version mismatch; only the
   * mismatch means another engine saved the workflow. A deadlock is the database's trouble: the
   * save failed and its run goes the failed-save way (found when the MariaDB cluster test's
   * deadlocks were reported as "saved by another engine").
   */
  @Test
  void deadlock_isNotAConflict_butAVersionMismatchIs() {
    var deadlock =
        new jakarta.persistence.OptimisticLockException(
            new org.hibernate.exception.LockAcquisitionException(
                "could not execute batch",
                new java.sql.SQLTransactionRollbackException("Deadlock found"),
                "insert into fs_workflow"));
    var stale =
        new jakarta.persistence.OptimisticLockException(
            new org.hibernate.StaleObjectStateException("WorkflowEntity", "id"));

    assertThat(Store.conflicted(deadlock)).isFalse();
    assertThat(Store.conflicted(stale)).isTrue();
    assertThat(Store.conflicted(new jakarta.persistence.PersistenceException("disk full")))
        .isFalse();
  }

  private static String version(String text) {
    DatabaseVersion v = MariaDbDialectResolver.mariaDbVersion(text);
    return v.getDatabaseMajorVersion()
        + "."
        + v.getDatabaseMinorVersion()
        + "."
        + v.getDatabaseMicroVersion();
  }
}
