package dev.flowstate.db.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/**
 * A row of {@code fs_object_run}: one run of one object, written in the commit that saves how it
 * ended.
 */
@Entity
@Table(name = "fs_object_run")
public class ObjectRunEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "fs_object_run_seq")
  @SequenceGenerator(
      name = "fs_object_run_seq",
      sequenceName = "fs_object_run_seq",
      allocationSize = 50)
  public Long id;

  public UUID workflowId;
  public int pos;
  public Instant startedAt;
  public Instant endedAt;
  public String outcome;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  public List<Integer> callbackPos;

  public String message;
}
