package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flowstate.db.internal.Store;
import dev.flowstate.migrations.DatabaseKind;
import dev.flowstate.migrations.FlowstateMigrations;
import dev.flowstate.migrations.MigrationException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings of a {@link Flowstate}, from {@link Flowstate#builder()}; every one has a default, and
 * with none at all {@link #build()} opens an embedded H2 file ({@value #DEFAULT_JDBC_URL}) and
 * migrates it. A setter checks its argument at once. Not thread-safe.
 */
public final class FlowstateBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(FlowstateBuilder.class);

  /**
   * The database used when none is configured: an H2 file under the working directory (its absolute
   * path is logged at build). {@code WRITE_DELAY=0} writes each commit to the file at once; H2's
   * default (up to 1 s later) loses the last commits when the process is killed. {@code
   * AUTO_SERVER=TRUE} lets several processes open it at once (the first serves the others over
   * TCP), so an operator's process can resume workflows while a service runs.
   */
  public static final String DEFAULT_JDBC_URL =
      "jdbc:h2:file:./flowstate-data/flowstate;WRITE_DELAY=0;AUTO_SERVER=TRUE";

  /**
   * The default of {@link FlowstateBuilder#maxDataLength}: 16 Mi characters of JSON per object,
   * halt payload or extra data. An embedded H2 database given a 60 MB value runs out of memory and
   * closes for the whole process.
   */
  public static final int DEFAULT_MAX_DATA_LENGTH = 16 * 1024 * 1024;

  static {
    // Hibernate logs through JBoss Logging, which otherwise picks java.util.logging and prints
    // about twenty lines at every start; a provider the application chose is kept
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
  }

  /** The default of {@link FlowstateBuilder#lease}: how long a run holds its workflow unrenewed. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  /** The default of {@link FlowstateBuilder#heartbeat}: how often running engines renew leases. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

  /**
   * The default of {@link FlowstateBuilder#stalledAfter}: how long a run may go without a save
   * point before it is reported as stalled.
   */
  public static final Duration DEFAULT_STALLED_AFTER = Duration.ofMinutes(5);

  private DataSource dataSource;
  private String jdbcUrl;
  private String user;
  private String password;
  private String schema;
  private boolean migrate = true;
  private DatabaseKind databaseKind;
  private ObjectMapper mapper;
  private Clock clock;
  private Clock databaseClock;
  private boolean history = true;
  private TransactionBinding transactionBinding;
  private int maxDataLength = DEFAULT_MAX_DATA_LENGTH;
  private Duration lease = DEFAULT_LEASE;
  private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;

  /**
   * The default of {@link #connectionTimeout}: how long a save waits for a connection from the pool
   * (so for the database to come back) before it fails.
   */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  /** How many connections Flyway holds at once while it migrates. */
  private static final int FLYWAY_CONNECTIONS = 3;

  /** The default of {@link #maxConnections}: the size of the connection pool the builder makes. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10;

  /**
   * The default of {@link #socketTimeout}: how long a PostgreSQL statement waits for an answer
   * before the connection counts as lost (a cut network sends nothing, not even an error).
   */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(60);

  /**
   * @param connections the size of the connection pool the builder makes (default {@value
   *     #DEFAULT_MAX_CONNECTIONS}), 1 to 1000: a run holds a connection while it saves, and from a
   *     task's first use of the run's own transaction to its object's end, so a worker pool of N
   *     threads wants N + 2 (its claims and heartbeats take one each)
   * @return this
   * @throws IllegalArgumentException if {@code connections} is out of range
   */
  public FlowstateBuilder maxConnections(int connections) {
    if (connections < 1 || connections > 1000) {
      throw new IllegalArgumentException(
          "maxConnections must be between 1 and 1000, got " + connections);
    }
    this.maxConnections = connections;
    return this;
  }

  /**
   * @param timeout how long a save waits for a connection of the pool the builder makes (default
   *     {@link #DEFAULT_CONNECTION_TIMEOUT}); then it fails and the run takes its error path
   * @return this
   * @throws IllegalArgumentException if {@code timeout} is shorter than 250 ms
   */
  public FlowstateBuilder connectionTimeout(Duration timeout) {
    if (timeout == null || timeout.toMillis() < 250) {
      throw new IllegalArgumentException(
          "connectionTimeout must be at least 250 ms (HikariCP's minimum), got " + timeout);
    }
    this.connectionTimeout = timeout;
    return this;
  }

  /**
   * @param timeout how long a statement on PostgreSQL waits for an answer before its connection
   *     counts as lost (default {@link #DEFAULT_SOCKET_TIMEOUT}; the JDBC URL's own {@code
   *     socketTimeout} wins); longer than any statement flowstate or its tasks run
   * @return this
   * @throws IllegalArgumentException if {@code timeout} is shorter than a second
   */
  public FlowstateBuilder socketTimeout(Duration timeout) {
    if (timeout == null || timeout.toSeconds() < 1) {
      throw new IllegalArgumentException("socketTimeout must be at least 1 s, got " + timeout);
    }
    this.socketTimeout = timeout;
    return this;
  }

  private Duration heartbeat = DEFAULT_HEARTBEAT;

  /**
   * @param lease how long a run holds its workflow without renewing it (default {@link
   *     FlowstateBuilder#DEFAULT_LEASE}): every save renews it, and so does a heartbeat for long
   *     tasks. After a crash, the workflow can be resumed elsewhere once its lease has expired; an
   *     engine paused longer than this (a GC stop, a suspended VM) may find itself fenced out.
   *     Leases are judged in the database's time, so the clocks of the processes need not agree
   * @return this
   * @throws IllegalArgumentException if {@code lease} is not positive; {@link #build()} refuses a
   *     lease shorter than three heartbeats
   */
  public FlowstateBuilder lease(Duration lease) {
    if (lease == null || lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive, got " + lease);
    }
    this.lease = lease;
    return this;
  }

  /**
   * @param heartbeat how often a Flowstate renews the leases of its running engines (default {@link
   *     FlowstateBuilder#DEFAULT_HEARTBEAT}); one daemon thread per Flowstate, one statement per
   *     beat. A failed beat is retried before the next one is due
   * @return this
   * @throws IllegalArgumentException if {@code heartbeat} is not positive; {@link #build()} refuses
   *     a heartbeat longer than a third of the lease
   */
  public FlowstateBuilder heartbeat(Duration heartbeat) {
    if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive, got " + heartbeat);
    }
    this.heartbeat = heartbeat;
    return this;
  }

  private Duration stalledAfter = DEFAULT_STALLED_AFTER;

  /**
   * @param stalledAfter how long a run may go without reaching a save point (an object's start or
   *     end, a halt) before the heartbeat reports it: one warning with its task and its thread's
   *     stack, and 'Stalled' in {@code fs_workflow_status} (columns {@code stalled_since}, {@code
   *     stalled_task}) until it moves on (default {@link FlowstateBuilder#DEFAULT_STALLED_AFTER}).
   *     Nothing is interrupted: wrap a task in {@code Patterns.timeout(...)} for that
   * @return this
   * @throws IllegalArgumentException if not positive
   */
  public FlowstateBuilder stalledAfter(Duration stalledAfter) {
    if (stalledAfter == null || stalledAfter.isNegative() || stalledAfter.isZero()) {
      throw new IllegalArgumentException("stalledAfter must be positive, got " + stalledAfter);
    }
    this.stalledAfter = stalledAfter;
    return this;
  }

  /**
   * The settings checked against each other, in {@link #build()} so that their order does not
   * matter: a lease must outlive three heartbeats, so that one or two failed beats (a lost
   * connection, a slow database) do not let it lapse under a live run.
   */
  private void checkSettings() {
    if (lease.compareTo(heartbeat.multipliedBy(3)) < 0) {
      throw new IllegalArgumentException(
          "lease ("
              + lease
              + ") must be at least three heartbeats (heartbeat "
              + heartbeat
              + "), so that a failed renewal is retried before the lease ends: set heartbeat(...)"
              + " to at most "
              + Duration.ofMillis(lease.toMillis() / 3)
              + " or lease(...) to at least "
              + heartbeat.multipliedBy(3));
    }
  }

  FlowstateBuilder() {}

  /**
   * @param characters the most characters of JSON one object, a halt payload or a workflow's extra
   *     data may take (default {@value FlowstateBuilder#DEFAULT_MAX_DATA_LENGTH}); a save of more
   *     is refused with a clear error before any transaction, instead of exhausting the database's
   *     memory
   * @return this
   * @throws IllegalArgumentException if {@code characters} is less than 1
   */
  public FlowstateBuilder maxDataLength(int characters) {
    if (characters < 1) {
      throw new IllegalArgumentException("maxDataLength must be at least 1, got " + characters);
    }
    this.maxDataLength = characters;
    return this;
  }

  /**
   * @param dataSource the database; the caller keeps ownership and closes it. On MariaDB and MySQL
   *     its sessions must be in UTC ({@code SET time_zone = '+00:00'} as the pool's connection init
   *     SQL): {@link #build()} refuses another zone, which would shift every stored instant
   * @return this
   */
  public FlowstateBuilder dataSource(DataSource dataSource) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource must not be null");
    }
    if (jdbcUrl != null) {
      throw new IllegalStateException(
          "jdbcUrl is already set; give a DataSource or a JDBC URL, not both");
    }
    this.dataSource = dataSource;
    return this;
  }

  /**
   * @param jdbcUrl the database URL; a HikariCP pool is made and closed with the Flowstate
   * @return this
   */
  public FlowstateBuilder jdbcUrl(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("a JDBC URL starts with 'jdbc:', got " + jdbcUrl);
    }
    if (dataSource != null) {
      throw new IllegalStateException(
          "dataSource is already set; give a DataSource or a JDBC URL, not both");
    }
    this.jdbcUrl = jdbcUrl;
    return this;
  }

  /**
   * @param user the database user for {@link #jdbcUrl}
   * @return this
   */
  public FlowstateBuilder user(String user) {
    this.user = user;
    return this;
  }

  /**
   * @param password the password for {@link #jdbcUrl}; never logged
   * @return this
   */
  public FlowstateBuilder password(String password) {
    this.password = password;
    return this;
  }

  /**
   * @param schema the schema of flowstate's tables (created by the migrations), or null for the
   *     connection's default: a plain SQL identifier (lowercase letters, digits and underscores,
   *     not starting with a digit, at most 63 characters), which every database and tool reads the
   *     same quoted or not
   * @return this
   * @throws IllegalArgumentException if {@code schema} is not such an identifier
   */
  public FlowstateBuilder schema(String schema) {
    if (schema != null && !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(
          "schema must be a plain SQL identifier: lowercase letters, digits and underscores, not"
              + " starting with a digit, at most 63 characters; got '"
              + schema
              + "'"
              + (schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")
                  ? ", try '" + schema.toLowerCase(java.util.Locale.ROOT) + "'"
                  : ""));
    }
    this.schema = schema;
    return this;
  }

  /**
   * @param migrate whether {@link #build()} applies pending migrations (default true)
   * @return this
   */
  public FlowstateBuilder migrate(boolean migrate) {
    this.migrate = migrate;
    return this;
  }

  /**
   * Sets what kind of database this is instead of reading it from the connection's metadata: for a
   * database behind a proxy or a compatible server that names itself otherwise. The kind chooses
   * the migrations' column types and the store's statements.
   *
   * @param kind the database's kind, or {@code null} to read it from the database (the default)
   * @return this
   */
  public FlowstateBuilder databaseKind(DatabaseKind kind) {
    this.databaseKind = kind;
    return this;
  }

  /**
   * @param mapper the Jackson mapper for object data and extra data; JavaTimeModule is registered
   *     on a copy
   * @return this
   */
  public FlowstateBuilder objectMapper(ObjectMapper mapper) {
    this.mapper = mapper;
    return this;
  }

  /**
   * @param binding lets the application's own data access join a run's transaction while its tasks
   *     run (the Spring Boot starter sets Spring's); default none
   * @return this
   */
  public FlowstateBuilder transactionBinding(TransactionBinding binding) {
    this.transactionBinding = binding;
    return this;
  }

  /**
   * @param history whether every object run leaves a row in {@code fs_object_run} (start, end,
   *     outcome); default true. The row is written in the commit that saves the object anyway
   * @return this
   */
  public FlowstateBuilder history(boolean history) {
    this.history = history;
    return this;
  }

  /**
   * @param clock the clock of the timestamps written (created, modified, each object run's start
   *     and end), for tests; by default the database's. Leases, claims and due times are judged in
   *     the database's time whatever this clock says
   * @return this
   */
  public FlowstateBuilder clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /**
   * Test-only: a clock standing in for the database's, so that leases and due times can be moved by
   * hand; by default the database's clock is read when built and at every heartbeat.
   */
  FlowstateBuilder databaseClock(Clock databaseClock) {
    this.databaseClock = databaseClock;
    return this;
  }

  /**
   * Opens the database, migrates it unless told not to, and builds the entity manager factory.
   *
   * @return the Flowstate
   * @throws StoreException if the database is unreachable or not migrated; the message says which
   *     and how to fix it
   * @throws IllegalArgumentException if the lease is shorter than three heartbeats; nothing is
   *     opened then
   */
  public Flowstate build() {
    checkSettings();
    HikariDataSource pool = null;
    DataSource ds = dataSource;
    String url = jdbcUrl != null ? jdbcUrl : dataSource == null ? DEFAULT_JDBC_URL : null;
    if (ds == null) {
      Connections.requireDriver(url, url.equals(DEFAULT_JDBC_URL));
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername(user);
      config.setPassword(password);
      config.setPoolName("flowstate");
      config.setMaximumPoolSize(maxConnections);
      // a database that went away fails a save within these, never hangs it
      config.setConnectionTimeout(connectionTimeout.toMillis());
      DatabaseKind named = DatabaseKind.ofUrl(url).orElse(null);
      if (named == DatabaseKind.POSTGRESQL && !url.toLowerCase().contains("sockettimeout")) {
        config.addDataSourceProperty("socketTimeout", String.valueOf(socketTimeout.toSeconds()));
      }
      if (named != null && named.mysqlFamily()) {
        if (!url.toLowerCase().contains("sockettimeout")) {
          // in milliseconds for both drivers of the family
          config.addDataSourceProperty("socketTimeout", String.valueOf(socketTimeout.toMillis()));
        }
        config.setConnectionInitSql(Connections.UTC_SESSION);
        // the family's drivers send SET autocommit as a statement: Hibernate switching it off
        // at each transaction's begin and HikariCP back on at each return were two round trips
        // per save. Connections start with it off; Store tells Hibernate so.
        config.setAutoCommit(false);
      }
      // the first connection is made now: a database that cannot be opened fails build() at
      // once with its own cause, instead of after the 30 s wait of the first save
      config.setInitializationFailTimeout(1);
      Connections.logH2Folder(url);
      try {
        pool = new HikariDataSource(config);
      } catch (RuntimeException e) {
        throw Connections.unreachable(url, e);
      }
      ds = pool;
    }
    try {
      // one connection: the kind (unless told), the UTC session of the family, the schema
      DatabaseKind kind;
      if (!migrate) {
        kind = Connections.requireSchema(ds, schema, databaseKind);
      } else {
        kind = Connections.kindBeforeMigrating(ds, databaseKind);
        if (pool != null && maxConnections < FLYWAY_CONNECTIONS) {
          // too small a pool to lend Flyway its connections: it opens its own for the migration
          // (the pool's timeouts do not apply to them, so only when it must)
          FlowstateMigrations.migrate(url, user, password, schema, kind);
        } else {
          FlowstateMigrations.migrate(ds, schema, kind);
        }
      }
      ObjectMapper json =
          (mapper != null ? mapper.copy() : new ObjectMapper())
              .registerModule(new JavaTimeModule())
              .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
      // the columns' own mapper is strict: a position of 1.5 is a spoilt row, not task 1
      Store store =
          Store.open(
              ds,
              schema,
              kind,
              json.copy()
                  .disable(
                      com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT));
      // objects' untyped properties keep their values' types (the columns' mapper reads the
      // extra data's tags itself, in the save points)
      json.registerModule(new UntypedValues());
      LOG.info(
          "flowstate ready: database {}, schema {}, migrations {}",
          url != null ? DatabaseKind.masked(url) : "(given DataSource)",
          schema == null ? "(default)" : schema,
          migrate ? "applied" : "not run");
      return new Flowstate(
          new Machinery(
              store,
              json,
              pool,
              clock,
              databaseClock,
              history,
              maxDataLength,
              lease,
              heartbeat,
              stalledAfter,
              transactionBinding),
          json);
    } catch (MigrationException e) {
      Connections.closeQuietly(pool);
      throw new StoreException(e.getMessage(), e);
    } catch (RuntimeException e) {
      Connections.closeQuietly(pool);
      throw e;
    }
  }
}
