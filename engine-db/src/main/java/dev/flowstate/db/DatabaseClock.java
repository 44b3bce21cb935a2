package dev.flowstate.db;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/*
 * The database's time, as every lease, claim and due time is judged (SEMANTICS §8): the clocks of
 * the processes sharing a database need not agree. Reading CURRENT_TIMESTAMP in every statement
 * would cost a round trip or an expression per statement and database; instead the database's
 * clock is read when the Flowstate is built and again at every heartbeat, and the time since is
 * measured with System.nanoTime, which a JVM wall clock set ahead or back (a broken NTP, a VM
 * resumed from suspend) does not move. The error is at most half the round trip of the read.
 */
final class DatabaseClock extends Clock {

  private record Reading(Instant database, long nanos) {}

  private final Supplier<Instant> database;
  private volatile Reading last;

  /**
   * @param database reads the database's current time (one round trip)
   */
  DatabaseClock(Supplier<Instant> database) {
    this.database = database;
    sync();
  }

  /** Reads the database's clock again; the middle of the round trip is taken as its moment. */
  void sync() {
    long before = System.nanoTime();
    Instant read = database.get();
    long after = System.nanoTime();
    last = new Reading(read, before + (after - before) / 2);
  }

  @Override
  public Instant instant() {
    Reading reading = last;
    return reading.database.plusNanos(System.nanoTime() - reading.nanos);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return Clock.fixed(instant(), zone);
  }
}
