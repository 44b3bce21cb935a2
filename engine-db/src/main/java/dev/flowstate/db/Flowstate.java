package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flowstate.db.internal.Fingerprint;
import dev.flowstate.db.internal.Store;
import dev.flowstate.db.internal.WorkflowEntity;
import dev.flowstate.engine.EngineState;
import dev.flowstate.engine.Flow;
import dev.flowstate.migrations.FlowstateMigrations;
import dev.flowstate.migrations.MigrationException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of persistent workflows: a database, a registry of definitions by name, and the
 * engines that store workflows in it.
 *
 * <pre>{@code
 * Flowstate flowstate = Flowstate.builder().jdbcUrl("jdbc:postgresql://db/app").user("app").build();
 * flowstate.register("orders", Order.class, definition);
 *
 * DbWorkflowEngine<Order> engine = flowstate.newWorkflow("orders", Order.class);
 * engine.process(orders);                  // saved at every save point; halts leave a HALTED row
 *
 * // later, in any process:
 * DbWorkflowEngine<Order> resumed = flowstate.load(id, Order.class);
 * resumed.resume();                       // right after the halting task
 * }</pre>
 *
 * <p>With no settings at all it uses an embedded H2 file database ({@value #DEFAULT_JDBC_URL}) and
 * migrates it. Thread-safe; engines are not (one engine, one thread).
 */
public final class Flowstate implements AutoCloseable {

  /**
   * The database used when none is configured: an H2 file under the working directory (its
   * absolute path is logged at build). {@code WRITE_DELAY=0} writes each commit to the file at
   * once; H2's default (up to 1 s later) loses the last commits when the process is killed. {@code
   * AUTO_SERVER=TRUE} lets several processes open it at once (the first serves the others over
   * TCP), so an operator's process can resume workflows while a service runs.
   */
  public static final String DEFAULT_JDBC_URL =
      "jdbc:h2:file:./flowstate-data/flowstate;WRITE_DELAY=0;AUTO_SERVER=TRUE";

  /**
   * The default of {@link Builder#maxDataLength}: 16 Mi characters of JSON per object, halt
   * payload or extra data. An embedded H2 database given a 60 MB value runs out of memory and
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

  private static final Logger LOG = LoggerFactory.getLogger(Flowstate.class);

  private final Store store;
  private final ObjectMapper mapper;
  private final HikariDataSource ownPool;
  private final Clock clock;
  private final boolean history;
  private final int maxDataLength;
  private final Queries queries;
  private final Map<String, Registered<?>> registry = new LinkedHashMap<>();

  private record Registered<T>(String name, Class<T> type, Flow<T> definition, String fingerprint) {}

  private Flowstate(
      Store store,
      ObjectMapper mapper,
      HikariDataSource ownPool,
      Clock clock,
      boolean history,
      int maxDataLength) {
    this.store = store;
    this.mapper = mapper;
    this.ownPool = ownPool;
    this.clock = clock;
    this.history = history;
    this.maxDataLength = maxDataLength;
    this.queries = new Queries(store, mapper);
  }

  /**
   * @return a builder with every default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a definition under a name; stored workflows refer to it by that name.
   *
   * @param name the name, not blank
   * @param type the class of the objects, read and written with Jackson
   * @param definition the definition
   * @param <T> the object type
   * @return this
   * @throws IllegalArgumentException if an argument is missing or the name is taken
   */
  public synchronized <T> Flowstate register(String name, Class<T> type, Flow<T> definition) {
    if (name == null || name.isBlank() || type == null || definition == null) {
      throw new IllegalArgumentException(
          "register needs a name, an object type and a definition, got "
              + name + ", " + type + ", " + definition);
    }
    if (registry.containsKey(name)) {
      throw new IllegalArgumentException("a definition is already registered as '" + name + "'");
    }
    registry.put(name, new Registered<>(name, type, definition, Fingerprint.of(definition)));
    return this;
  }

  /**
   * A new workflow of a registered definition, stored {@code NEW} at once (one transaction), so
   * that {@link #status(UUID)} and SQL see it before it runs. Give it its objects with {@code
   * process(objects)}.
   *
   * @param name the definition's name
   * @param type the class of the objects
   * @param <T> the object type
   * @return an engine for the new workflow ({@link DbWorkflowEngine#id()} is its id)
   * @throws StoreException if no definition has that name or it is for another type, or the row
   *     cannot be written
   */
  public <T> DbWorkflowEngine<T> newWorkflow(String name, Class<T> type) {
    return create(name, type, List.of());
  }

  /**
   * A new workflow of a registered definition with its objects, stored {@code NEW} (objects
   * {@code INITIAL}) in one transaction and not run: run it here or in any process with {@link
   * DbWorkflowEngine#resume()}.
   *
   * @param name the definition's name
   * @param type the class of the objects
   * @param objects the objects, in order; each is written as JSON now
   * @param <T> the object type
   * @return an engine for the new workflow, its objects read back from the database
   * @throws StoreException if no definition has that name or it is for another type, or an
   *     object cannot be written (nothing is stored then)
   * @throws IllegalArgumentException if {@code objects} is null
   */
  public <T> DbWorkflowEngine<T> newWorkflow(String name, Class<T> type, List<? extends T> objects) {
    if (objects == null) {
      throw new IllegalArgumentException(
          "objects must not be null; pass a List, even an empty one");
    }
    return create(name, type, objects);
  }

  private <T> DbWorkflowEngine<T> create(String name, Class<T> type, List<? extends T> objects) {
    Registered<T> registered = registered(name, type, null);
    WorkflowEntity row = new WorkflowEntity();
    row.id = UUID.randomUUID();
    row.definitionName = name;
    row.definitionFingerprint = registered.fingerprint();
    SavePoints<T> saves =
        new SavePoints<>(row, false, store, mapper, clock, history, maxDataLength);
    saves.storeNew(objects);
    DbWorkflowEngine<T> engine =
        new DbWorkflowEngine<>(
            saves, registered.definition(), size -> storedObjects(saves, type, size));
    if (!objects.isEmpty()) {
      engine.restore(
          new EngineState(-1, List.of(0)), null, storedObjects(saves, type, objects.size()), false);
    }
    return engine;
  }

  /**
   * Loads a stored workflow to restart it: positions and extra data restored, objects read page by
   * page in order. Then call {@code restart(obj, task)}.
   *
   * @param id the workflow's id
   * @param type the class of the objects
   * @param <T> the object type
   * @return the engine, ready to restart
   * @throws StoreException if there is no such workflow (one is never created here), its
   *     definition is not registered or has changed, or it has completed
   */
  public <T> DbWorkflowEngine<T> load(UUID id, Class<T> type) {
    return load(id, type, false);
  }

  /**
   * {@link #load(UUID, Class)}, optionally accepting a definition whose fingerprint changed since
   * the workflow was stored, for changes known to keep every stored position meaningful (a task
   * renamed, say).
   *
   * @param id the workflow's id
   * @param type the class of the objects
   * @param allowChangedDefinition whether to accept a changed definition
   * @param <T> the object type
   * @return the engine, ready to restart
   */
  public <T> DbWorkflowEngine<T> load(UUID id, Class<T> type, boolean allowChangedDefinition) {
    if (id == null) {
      throw new IllegalArgumentException("workflow id must not be null");
    }
    WorkflowEntity wf = RowShapes.find(store, mapper, id);
    if (wf == null) {
      throw new StoreException(
          "no workflow with id " + id + "; load never creates one, use newWorkflow(name, type)");
    }
    Registered<T> registered = registered(wf.definitionName, type, id);
    if (!allowChangedDefinition && !registered.fingerprint().equals(wf.definitionFingerprint)) {
      throw new StoreException(
          "definition '"
              + wf.definitionName
              + "' changed since workflow "
              + id
              + " was stored (stored fingerprint "
              + wf.definitionFingerprint
              + ", current "
              + registered.fingerprint()
              + "): its positions may point at other tasks. If the change keeps them meaningful,"
              + " load with allowChangedDefinition = true");
    }
    if (wf.status == WorkflowStatus.COMPLETED) {
      throw new StoreException(
          "workflow " + id + " is COMPLETED: every object was processed, there is nothing to resume");
    }
    // positions are 0..n-1: max(pos) reads one index entry where count(*) would read n
    Integer last =
        store.inTransaction(
            em ->
                em.createQuery(
                        "select max(o.pos) from ObjectEntity o where o.workflowId = :id",
                        Integer.class)
                    .setParameter("id", id)
                    .getSingleResult());
    int count = last == null ? 0 : last + 1;
    if (wf.tokenPos > count) {
      throw new StoreException(
          "workflow "
              + id
              + " cannot be read: its stored token_pos "
              + wf.tokenPos
              + " is beyond its "
              + count
              + " objects; set token_pos to the position of the object to resume at (-1 to"
              + " "
              + count
              + ")");
    }
    SavePoints<T> saves = new SavePoints<>(wf, true, store, mapper, clock, history, maxDataLength);
    DbWorkflowEngine<T> engine =
        new DbWorkflowEngine<>(
            saves, registered.definition(), size -> storedObjects(saves, type, size));
    engine.restore(
        new EngineState(wf.tokenPos, wf.callbackPos),
        wf.extraData,
        storedObjects(saves, type, count),
        false);
    return engine;
  }

  private <T> StoredObjects<T> storedObjects(SavePoints<T> saves, Class<T> type, int size) {
    StoredObjects<T> objects = new StoredObjects<>(store, mapper, saves.id, type, size);
    objects.onUnreadable(saves::unreadable);
    return objects;
  }

  /**
   * The stored status of a workflow.
   *
   * @param id the workflow's id
   * @return its status, empty if there is no such workflow
   */
  public Optional<WorkflowStatus> status(UUID id) {
    // the status alone: a row whose JSON columns were spoilt by hand still tells its status
    return store.withoutTransaction(
        em ->
            em.createQuery("select w.status from WorkflowEntity w where w.id = :id", WorkflowStatus.class)
                .setParameter("id", id)
                .getResultStream()
                .findFirst());
  }

  // ------------------------------------------------------------------ queries

  /**
   * Lists stored workflows, newest first (by last save), with their halt details, last error and
   * object counts by status. Reads only: no lock, no write.
   *
   * @param query the filters and the page, e.g. {@code WorkflowQuery.all().status(HALTED)}
   * @return the page of workflows
   * @throws IllegalArgumentException if {@code query} is null
   */
  public List<StoredWorkflow> workflows(WorkflowQuery query) {
    return queries.workflows(query);
  }

  /**
   * One stored workflow, as {@link #workflows} lists them.
   *
   * @param id the workflow's id
   * @return the workflow, empty if there is none
   * @throws StoreException if its row cannot be read (the message names the column and a fix)
   */
  public Optional<StoredWorkflow> workflow(UUID id) {
    return queries.workflow(id);
  }

  /**
   * A page of a workflow's stored objects in position order, each read as {@code type}.
   *
   * @param id the workflow's id
   * @param type the class to read the objects' data as
   * @param status only objects with this status, or null for all
   * @param offset how many matching objects to skip
   * @param limit how many at most, 1 to {@value WorkflowQuery#MAX_LIMIT}
   * @param <T> the object type
   * @return the objects (none for an unknown id)
   * @throws StoreException if an object's data cannot be read as {@code type}
   */
  public <T> List<StoredObject<T>> objects(
      UUID id, Class<T> type, ObjectStatus status, int offset, int limit) {
    return queries.objects(id, type, status, offset, limit);
  }

  /**
   * The task history of a workflow: one row per object run, in the order the runs began.
   *
   * @param id the workflow's id
   * @return its runs (none when history is off or the id is unknown)
   */
  public List<ObjectRun> history(UUID id) {
    return queries.history(id, null);
  }

  /**
   * The runs of one object of a workflow, in the order they began.
   *
   * @param id the workflow's id
   * @param position the object's position
   * @return its runs
   */
  public List<ObjectRun> history(UUID id, int position) {
    return queries.history(id, position);
  }

  @SuppressWarnings("unchecked")
  private synchronized <T> Registered<T> registered(String name, Class<T> type, UUID workflow) {
    Registered<?> registered = registry.get(name);
    if (registered == null) {
      throw new StoreException(
          (workflow == null ? "" : "workflow " + workflow + " uses ")
              + "definition '"
              + name
              + "', which is not registered; registered definitions: "
              + registry.keySet()
              + ". Register it with register(name, type, definition)");
    }
    if (!registered.type().equals(type)) {
      throw new StoreException(
          "definition '" + name + "' is registered for objects of " + registered.type().getName()
              + ", not " + type.getName());
    }
    return (Registered<T>) registered;
  }

  /** Closes the entity manager factory and, if the builder made it, the connection pool. */
  @Override
  public void close() {
    store.close();
    if (ownPool != null) {
      ownPool.close();
    }
  }

  /** Settings of a {@link Flowstate}; every one has a default. Not thread-safe. */
  public static final class Builder {
    private DataSource dataSource;
    private String jdbcUrl;
    private String user;
    private String password;
    private String schema;
    private boolean migrate = true;
    private ObjectMapper mapper;
    private Clock clock = Clock.systemUTC();
    private boolean history = true;
    private int maxDataLength = DEFAULT_MAX_DATA_LENGTH;

    private Builder() {}

    /**
     * @param characters the most characters of JSON one object, a halt payload or a workflow's
     *     extra data may take (default {@value Flowstate#DEFAULT_MAX_DATA_LENGTH}); a save of more
     *     is refused with a clear error before any transaction, instead of exhausting the
     *     database's memory
     * @return this
     * @throws IllegalArgumentException if {@code characters} is less than 1
     */
    public Builder maxDataLength(int characters) {
      if (characters < 1) {
        throw new IllegalArgumentException("maxDataLength must be at least 1, got " + characters);
      }
      this.maxDataLength = characters;
      return this;
    }

    /**
     * @param dataSource the database; the caller keeps ownership and closes it
     * @return this
     */
    public Builder dataSource(DataSource dataSource) {
      if (dataSource == null) {
        throw new IllegalArgumentException("dataSource must not be null");
      }
      if (jdbcUrl != null) {
        throw new IllegalStateException("jdbcUrl is already set; give a DataSource or a JDBC URL, not both");
      }
      this.dataSource = dataSource;
      return this;
    }

    /**
     * @param jdbcUrl the database URL; a HikariCP pool is made and closed with the Flowstate
     * @return this
     */
    public Builder jdbcUrl(String jdbcUrl) {
      if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
        throw new IllegalArgumentException("a JDBC URL starts with 'jdbc:', got " + jdbcUrl);
      }
      if (dataSource != null) {
        throw new IllegalStateException("dataSource is already set; give a DataSource or a JDBC URL, not both");
      }
      this.jdbcUrl = jdbcUrl;
      return this;
    }

    /**
     * @param user the database user for {@link #jdbcUrl}
     * @return this
     */
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /**
     * @param password the password for {@link #jdbcUrl}; never logged
     * @return this
     */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /**
     * @param schema the schema of flowstate's tables (created by the migrations), or null for the
     *     connection's default: a plain SQL identifier (lowercase letters, digits and underscores,
     *     not starting with a digit, at most 63 characters), which every database and tool reads
     *     the same quoted or not
     * @return this
     * @throws IllegalArgumentException if {@code schema} is not such an identifier
     */
    public Builder schema(String schema) {
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
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * @param mapper the Jackson mapper for object data and extra data; JavaTimeModule is
     *     registered on a copy
     * @return this
     */
    public Builder objectMapper(ObjectMapper mapper) {
      this.mapper = mapper;
      return this;
    }

    /**
     * @param history whether every object run leaves a row in {@code fs_object_run} (start, end,
     *     outcome); default true. The row is written in the commit that saves the object anyway
     * @return this
     */
    public Builder history(boolean history) {
      this.history = history;
      return this;
    }

    /**
     * @param clock the clock of the timestamps (for tests)
     * @return this
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Opens the database, migrates it unless told not to, and builds the entity manager factory.
     *
     * @return the Flowstate
     * @throws StoreException if the database is unreachable or not migrated; the message says
     *     which and how to fix it
     */
    public Flowstate build() {
      HikariDataSource pool = null;
      DataSource ds = dataSource;
      String url = jdbcUrl != null ? jdbcUrl : dataSource == null ? DEFAULT_JDBC_URL : null;
      if (ds == null) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("flowstate");
        config.setMaximumPoolSize(4);
        // the first connection is made now: a database that cannot be opened fails build() at
        // once with its own cause, instead of after the 30 s wait of the first save
        config.setInitializationFailTimeout(1);
        logH2Folder(url);
        try {
          pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
          throw unreachable(url, e);
        }
        ds = pool;
      }
      try {
        if (migrate) {
          FlowstateMigrations.migrate(ds, schema);
        } else {
          requireSchema(ds);
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
                json.copy()
                    .disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT));
        LOG.info(
            "flowstate ready: database {}, schema {}, migrations {}",
            url != null ? masked(url) : "(given DataSource)",
            schema == null ? "(default)" : schema,
            migrate ? "applied" : "not run");
        return new Flowstate(store, json, pool, clock, history, maxDataLength);
      } catch (MigrationException e) {
        closeQuietly(pool);
        throw new StoreException(e.getMessage(), e);
      } catch (RuntimeException e) {
        closeQuietly(pool);
        throw e;
      }
    }

    private void requireSchema(DataSource ds) {
      try (var connection = ds.getConnection()) {
        if (schema != null) {
          connection.setSchema(schema);
        }
        try (var tables =
            connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
          while (tables.next()) {
            if (tables.getString("TABLE_NAME").equalsIgnoreCase("fs_workflow")) {
              return;
            }
          }
        }
      } catch (java.sql.SQLException e) {
        throw new StoreException(
            "the database is unreachable: " + e.getMessage()
                + "; check the JDBC URL, user and password, and that the server is running",
            e);
      }
      throw new StoreException(
          "the database has no flowstate schema (table fs_workflow is missing) and migrate(false)"
              + " was set; run FlowstateMigrations.migrate(dataSource) or build with migrate(true)");
    }

    /** The database cannot be opened: the first line names the real cause, however deep. */
    private static StoreException unreachable(String url, RuntimeException e) {
      String cause = null;
      for (Throwable t = e; t != null; t = t.getCause()) {
        String message = String.valueOf(t.getMessage());
        if (message.contains("already in use") || message.contains("is locked")) {
          return new StoreException(
              "the H2 database "
                  + masked(url)
                  + " is in use by another process that opened it without AUTO_SERVER=TRUE ("
                  + firstLine(message)
                  + "); add ;AUTO_SERVER=TRUE to the JDBC URL of every process that opens it"
                  + " (flowstate's default URL has it), or stop the other process",
              e);
        }
        if (t.getCause() == null) {
          cause = firstLine(message);
        }
      }
      return new StoreException(
          "could not connect to the database "
              + masked(url)
              + ": "
              + cause
              + "; check the JDBC URL, user and password, and that the server is running",
          e);
    }

    private static String firstLine(String message) {
      int end = message.indexOf('\n');
      return end < 0 ? message : message.substring(0, end);
    }

    /** An embedded H2 file lives relative to the working directory: say where, once. */
    private static void logH2Folder(String url) {
      if (url.startsWith("jdbc:h2:file:") || (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
          && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:"))) {
        String path = url.substring(url.startsWith("jdbc:h2:file:") ? 13 : 8);
        int options = path.indexOf(';');
        path = options < 0 ? path : path.substring(0, options);
        LOG.info(
            "flowstate database: H2 file {}.mv.db (paths in the URL are relative to the working"
                + " directory)",
            java.nio.file.Path.of(path.replace("~", System.getProperty("user.home")))
                .toAbsolutePath()
                .normalize());
      }
    }

    /** The URL with the value of any password parameter replaced, as HikariCP does. */
    static String masked(String url) {
      return url.replaceAll("(?i)(password\\s*=)[^;&]*", "$1<masked>");
    }

    private static void closeQuietly(HikariDataSource pool) {
      if (pool != null) {
        pool.close();
      }
    }
  }
}
