package dev.flowstate.spring;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.FlowstateBuilder;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code flowstate.*}: the settings of the application's {@link Flowstate}, with the builder's
 * defaults but for the schema.
 */
@ConfigurationProperties("flowstate")
public class FlowstateProperties {

  /**
   * The schema of flowstate's tables, created and migrated at start (flowstate's own Flyway history
   * table, its own location): apart from the application's tables by default. Blank for the
   * connection's default schema, which may be shared with the application's tables.
   */
  private String schema = "flowstate";

  /** Whether to apply flowstate's migrations at start. */
  private boolean migrate = true;

  /** How long a run holds its workflow without renewing it. */
  private Duration lease = FlowstateBuilder.DEFAULT_LEASE;

  /** How often running workflows' leases are renewed; at most a third of the lease. */
  private Duration heartbeat = FlowstateBuilder.DEFAULT_HEARTBEAT;

  /** How long a run may go without a save point before it is reported as stalled. */
  private Duration stalledAfter = FlowstateBuilder.DEFAULT_STALLED_AFTER;

  /**
   * Whether the application's JdbcTemplate, JdbcClient and Spring Data JPA repositories, called by
   * a task of a stored workflow, write through the run's own transaction, committed with the
   * object's save point and rolled back with its failure (needs spring-jdbc; Spring Data JPA needs
   * Hibernate as the JPA provider). Off: they run outside it, as anywhere else.
   */
  private boolean joinTransactions = true;

  /** Whether each object run leaves a history row. */
  private boolean history = true;

  /** The most characters of JSON one object, a halt payload or the extra data may take. */
  private int maxDataLength = FlowstateBuilder.DEFAULT_MAX_DATA_LENGTH;

  private final Workers workers = new Workers();

  private final Dashboard dashboard = new Dashboard();

  /**
   * {@code flowstate.dashboard.*}: the operations dashboard and HTTP API (module
   * flowstate-dashboard), served by the JDK's own HTTP server beside the application's.
   */
  public static class Dashboard {

    /** Whether this instance serves the dashboard. */
    private boolean enabled = false;

    /** Its port; 0 for any free one. */
    private int port = 8080;

    /** The address it listens on: this machine only unless told otherwise. */
    private String bind = "127.0.0.1";

    /**
     * The operator token that allows actions (resume requests); none: read-only. Set it from the
     * environment (FLOWSTATE_DASHBOARD_TOKEN binds here), not in a file under version control.
     */
    private String token;

    /** Who acts with the token, as the workflow's history shows it. */
    private String operator = "operator";

    /** How often open pages read again. */
    private Duration refresh = Duration.ofSeconds(2);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public String getBind() {
      return bind;
    }

    public void setBind(String bind) {
      this.bind = bind;
    }

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }

    public String getOperator() {
      return operator;
    }

    public void setOperator(String operator) {
      this.operator = operator;
    }

    public Duration getRefresh() {
      return refresh;
    }

    public void setRefresh(Duration refresh) {
      this.refresh = refresh;
    }
  }

  /** {@code flowstate.workers.*}: the worker pool of this instance. */
  public static class Workers {

    /** Whether this instance runs a worker pool (started when the application is ready). */
    private boolean enabled = false;

    /** Workflows run at once by this instance. */
    private int threads = 4;

    /** The longest an idle pool waits before it looks for due work again. */
    private Duration pollInterval = Duration.ofSeconds(1);

    /** How long stopping the pool waits for running workflows to hand themselves back. */
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getThreads() {
      return threads;
    }

    public void setThreads(int threads) {
      this.threads = threads;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }
  }

  public String getSchema() {
    return schema;
  }

  public void setSchema(String schema) {
    this.schema = schema;
  }

  public boolean isMigrate() {
    return migrate;
  }

  public void setMigrate(boolean migrate) {
    this.migrate = migrate;
  }

  public Duration getLease() {
    return lease;
  }

  public void setLease(Duration lease) {
    this.lease = lease;
  }

  public Duration getHeartbeat() {
    return heartbeat;
  }

  public void setHeartbeat(Duration heartbeat) {
    this.heartbeat = heartbeat;
  }

  public Duration getStalledAfter() {
    return stalledAfter;
  }

  public void setStalledAfter(Duration stalledAfter) {
    this.stalledAfter = stalledAfter;
  }

  public boolean isHistory() {
    return history;
  }

  public void setHistory(boolean history) {
    this.history = history;
  }

  public int getMaxDataLength() {
    return maxDataLength;
  }

  public void setMaxDataLength(int maxDataLength) {
    this.maxDataLength = maxDataLength;
  }

  public boolean isJoinTransactions() {
    return joinTransactions;
  }

  public void setJoinTransactions(boolean joinTransactions) {
    this.joinTransactions = joinTransactions;
  }

  public Dashboard getDashboard() {
    return dashboard;
  }

  public Workers getWorkers() {
    return workers;
  }
}
