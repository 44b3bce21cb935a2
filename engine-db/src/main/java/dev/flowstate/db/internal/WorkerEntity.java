package dev.flowstate.db.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code fs_worker}: one worker pool, renewed while it lives, with its counts. */
@Entity
@Table(name = "fs_worker")
public class WorkerEntity {
  /** The owner name the workflows it holds carry. */
  @Id public String name;

  public String host;
  public long pid;
  public int threads;
  public Instant startedAt;
  public Instant seenAt;
  public Instant aliveUntil;
  public Instant stoppedAt;
  public long claimed;
  public long completed;
  public long halted;
  public long failed;
  public long released;
}
