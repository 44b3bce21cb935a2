package dev.flowstate.db;

import java.time.Instant;

/**
 * Another engine holds the workflow, or took it over: a live lease refused a load or a resume, or
 * this engine was fenced out (its lease expired during a long pause and another process resumed the
 * workflow). The engine that gets it has written nothing since; the rows are the owner's. A caller
 * tells it from a task's failure by its type.
 */
public class OwnershipException extends StoreException {

  private final String owner;
  private final Instant leaseUntil;

  /**
   * @param message what happened and what to do
   * @param owner the engine that holds the workflow now, or null if none does
   * @param leaseUntil when its lease ends, or null
   * @param cause the underlying failure, or null
   */
  public OwnershipException(String message, String owner, Instant leaseUntil, Throwable cause) {
    super(message, cause);
    this.owner = owner;
    this.leaseUntil = leaseUntil;
  }

  /**
   * @return the engine that holds the workflow now (host, pid, a random id and an engine number),
   *     or null if none does
   */
  public String owner() {
    return owner;
  }

  /**
   * @return when the owner's lease ends, or null
   */
  public Instant leaseUntil() {
    return leaseUntil;
  }
}
