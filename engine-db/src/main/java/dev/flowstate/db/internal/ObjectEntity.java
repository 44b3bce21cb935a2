package dev.flowstate.db.internal;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.hibernate.type.SqlTypes;

/** A row of {@code fs_object}. */
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
  public JsonNode data;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(updatable = false)
  public JsonNode sourceData;

  @JdbcTypeCode(SqlTypes.JSON)
  public Map<String, Object> extraData;

  @JdbcTypeCode(SqlTypes.JSON)
  public List<Integer> callbackPos;

  public String errorText;

  @Version public long version;

  @Column(updatable = false)
  public Instant createdAt;

  public Instant modifiedAt;
}
