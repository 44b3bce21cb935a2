package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/**
 * A row of {@code fs_object}. Object data is JSON text in Java, written and read by Jackson
 * straight from and to the object (no tree in between). JSON values are immutable to Hibernate:
 * flowstate assigns new ones and never changes them in place, so dirty checking compares references
 * instead of deep copies (a copy made through JSON reads a long back as an int, and the row looked
 * changed).
 */
@Entity
@Table(name = "fs_object")
public class ObjectEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "fs_object_seq")
  @SequenceGenerator(name = "fs_object_seq", sequenceName = "fs_object_seq", allocationSize = 50)
  public Long id;

  public UUID workflowId;
  public int pos;

  @Enumerated(EnumType.STRING)
  public ObjectStatus status;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  public String data;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(updatable = false)
  public String sourceData;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  public Map<String, Object> extraData;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  public List<Integer> callbackPos;

  public String errorText;

  @Version public long version;

  @Column(updatable = false)
  public Instant createdAt;

  public Instant modifiedAt;
}
