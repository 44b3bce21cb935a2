package dev.flowstate.db.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstate.db.WorkflowStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
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

/** A row of {@code fs_workflow}. */
@Entity
@Table(name = "fs_workflow")
public class WorkflowEntity {
  @Id public UUID id;
  public String definitionName;
  public String definitionFingerprint;

  @Enumerated(EnumType.STRING)
  public WorkflowStatus status;

  public int tokenPos;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  public List<Integer> callbackPos;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  public Map<String, Object> extraData;

  public String haltMessage;
  public String haltAction;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  public JsonNode haltPayload;

  public String lastError;

  @Enumerated(EnumType.STRING)
  public EndedBy endedBy;

  public String owner;
  public Instant leaseUntil;
  public Instant resumeAt;

  /** Set by the heartbeat while a run has not reached a save point for too long (V7). */
  public Instant stalledSince;

  public String stalledTask;

  @Version public long version;

  @Column(updatable = false)
  public Instant createdAt;

  public Instant modifiedAt;
}
