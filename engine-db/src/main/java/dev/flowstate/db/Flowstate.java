package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.Tables;
import dev.flowstate.engine.EngineListener;
import dev.flowstate.engine.Flow;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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
 * <p>With no settings at all it uses an embedded H2 file database ({@value
 * FlowstateBuilder#DEFAULT_JDBC_URL}) and migrates it. Thread-safe; engines are not (one engine,
 * one thread).
 */
public final class Flowstate implements AutoCloseable {

  private final Machinery machinery;
  private final WorkflowReader reader;

  /**
   * @param mapper the mapper of the JSON columns, for the query API's objects
   */
  Flowstate(Machinery machinery, ObjectMapper mapper) {
    this.machinery = machinery;
    this.reader = new WorkflowReader(mapper, machinery.tables.sessions().schema());
    machinery.leases.startBeating(); // keeps the database's clock read
  }

  /**
   * @return a builder with every default
   */
  public static FlowstateBuilder builder() {
    return new FlowstateBuilder();
  }

  /**
   * Adds a listener to every engine this Flowstate creates or loads from now on, worker pools'
   * included: the way to observe runs that happen in a pool. It sees the core engine of each run
   * ({@code engine.workflowId()} is the stored workflow's id) and runs on the run's thread, so it
   * should be quick; what it throws is logged and skipped. A listener for every type is an {@code
   * EngineListener<Object>}; a {@link FlowstateListener} also hears of the store's events (runs
   * stored, objects, tasks, commits, claims, heartbeats), from the time it is added.
   *
   * <pre>{@code
   * flowstate.addListener(new EngineListener<Object>() {
   *   public void halted(WorkflowEngine<Object> engine, HaltProcessing halt) {
   *     alerts.send(engine.workflowId() + " halted: " + halt.message());
   *   }
   * });
   * }</pre>
   *
   * @param listener the listener
   * @return this
   * @throws IllegalArgumentException if the listener is null
   */
  public Flowstate addListener(EngineListener<?> listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener must not be null");
    }
    machinery.listeners.add(listener);
    return this;
  }

  /**
   * Stops adding {@code listener} to new engines; engines that have it keep it.
   *
   * @param listener the listener
   * @return whether it was added before
   */
  public boolean removeListener(EngineListener<?> listener) {
    return machinery.listeners.remove(listener);
  }

  /**
   * Registers a definition under a name; stored workflows refer to it by that name.
   *
   * @param name the name, not blank
   * @param type the class of the objects, read and written with Jackson
   * @param definition the definition
   * @param <T> the object type
   * @return this
   * @throws IllegalArgumentException if an argument is missing, the name is taken, or a task of the
   *     definition has no name of its own (a lambda or method reference not given one with {@link
   *     dev.flowstate.engine.Task#named(String, dev.flowstate.engine.Task)})
   */
  public <T> Flowstate register(String name, Class<T> type, Flow<T> definition) {
    machinery.definitions.register(name, type, definition);
    return this;
  }

  /**
   * How often the runs of a registered definition commit, for every engine of it this Flowstate
   * creates or loads from now on, worker pools' included (which have no engine of the caller's to
   * set it on): as {@link DbWorkflowEngine#setCheckpointEvery(int)}, which an engine's own call
   * overrides. 1, the default, is durable mode; N &gt; 1 commits after every N objects.
   *
   * @param name the definition's registered name
   * @param objects commit after this many objects, at least 1
   * @return this
   * @throws IllegalArgumentException if no definition has that name, or {@code objects} is less
   *     than 1
   */
  public Flowstate checkpointEvery(String name, int objects) {
    machinery.definitions.checkpointEvery(name, objects);
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
   * @throws IllegalArgumentException if no definition has that name or it is for another type
   * @throws StoreException if the row cannot be written
   */
  public <T> DbWorkflowEngine<T> newWorkflow(String name, Class<T> type) {
    return machinery.engines.create(name, type, List.of());
  }

  /**
   * A new workflow of a registered definition with its objects, stored {@code NEW} (objects {@code
   * INITIAL}) in one transaction and not run: run it here or in any process with {@link
   * DbWorkflowEngine#resume()}.
   *
   * @param name the definition's name
   * @param type the class of the objects
   * @param objects the objects, in order; each is written as JSON now
   * @param <T> the object type
   * @return an engine for the new workflow, its objects read back from the database
   * @throws IllegalArgumentException if no definition has that name or it is for another type, or
   *     {@code objects} is null
   * @throws StoreException if an object cannot be written (nothing is stored then)
   */
  public <T> DbWorkflowEngine<T> newWorkflow(
      String name, Class<T> type, List<? extends T> objects) {
    if (objects == null) {
      throw new IllegalArgumentException(
          "objects must not be null; pass a List, even an empty one");
    }
    return machinery.engines.create(name, type, objects);
  }

  /**
   * Loads a stored workflow to restart it: positions and extra data restored, objects read page by
   * page in order. Then call {@code restart(obj, task)}.
   *
   * @param id the workflow's id
   * @param type the class of the objects
   * @param <T> the object type
   * @return the engine, ready to restart
   * @throws IllegalArgumentException if there is no such workflow (one is never created here), or
   *     its definition is registered for another type
   * @throws IllegalStateException if its definition is not registered here, or has changed since it
   *     was stored
   * @throws StoreException if its row cannot be read. A COMPLETED workflow loads, to be rerun with
   *     {@link DbWorkflowEngine#restartFromSourceData()}, a new {@code process} or a restart with
   *     new objects; its {@link DbWorkflowEngine#resume()} says there is nothing to resume
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
    return machinery.engines.load(id, type, allowChangedDefinition, null, null, false);
  }

  /**
   * {@link #load(UUID, Class)} with the object type the workflow's definition was registered for,
   * for tools that do not know it (the command line's {@code resume}).
   *
   * @param id the workflow's id
   * @return the engine, ready to resume
   * @throws IllegalArgumentException if there is no such workflow
   * @throws IllegalStateException if its definition is not registered here, or has changed
   * @throws StoreException if its row cannot be read
   */
  public DbWorkflowEngine<?> load(UUID id) {
    if (id == null) {
      throw new IllegalArgumentException("workflow id must not be null");
    }
    return machinery.engines.load(id, null, false, null, null, false); // the registered type
  }

  /**
   * The stored status of a workflow.
   *
   * @param id the workflow's id
   * @return its status, empty if there is no such workflow
   */
  public Optional<WorkflowStatus> status(UUID id) {
    if (id == null) {
      throw new IllegalArgumentException("workflow id must not be null");
    }
    // the status alone: a row whose JSON columns were spoilt by hand still tells its status
    return machinery.tables.workflows().status(id);
  }

  // ------------------------------------------------------------------ submitting and requests

  /**
   * Stores a new workflow of a registered definition with its objects, {@code NEW} and not run, and
   * returns its id: a worker pool, or {@link DbWorkflowEngine#resume()} in any process, runs it.
   * One transaction.
   *
   * @param name the definition's name
   * @param objects the objects, in order, each an instance of the type the definition was
   *     registered for (or null)
   * @return the new workflow's id
   * @throws IllegalArgumentException if no definition has that name, or {@code objects} is null or
   *     holds an object of another type
   * @throws StoreException if an object cannot be written
   */
  public UUID submit(String name, List<?> objects) {
    if (objects == null) {
      throw new IllegalArgumentException(
          "objects must not be null; pass a List, even an empty one");
    }
    UUID id = machinery.engines.submit(machinery.definitions.byName(name), objects);
    machinery.workAvailable();
    return id;
  }

  /**
   * Stores many new workflows of one registered definition, as {@link #submit} does each, in one
   * transaction: all are stored or, if one cannot be, none. Much cheaper than a submit each when
   * work arrives in batches (an import, a nightly run): one commit for all of them.
   *
   * @param name the definition's name
   * @param workflows the objects of each workflow, in order (each list as {@code submit} takes it)
   * @return the new workflows' ids, in the order of {@code workflows}
   * @throws IllegalArgumentException if no definition has that name, or {@code workflows} or one of
   *     its lists is null, or holds an object of another type; then no workflow was stored
   * @throws StoreException if an object cannot be written, or the commit fails; then no workflow
   *     was stored
   */
  public List<UUID> submitAll(String name, List<? extends List<?>> workflows) {
    if (workflows == null) {
      throw new IllegalArgumentException(
          "workflows must not be null; pass a List of object lists, even an empty one");
    }
    List<UUID> ids = machinery.engines.submitAll(machinery.definitions.byName(name), workflows);
    if (!ids.isEmpty()) {
      machinery.workAvailable();
    }
    return ids;
  }

  /**
   * Asks for a halted, failed or new workflow to be resumed now: a worker pool claims it and runs
   * {@link DbWorkflowEngine#resume()} (a pool runs a {@link #submit submitted} workflow without a
   * request; one from {@link #newWorkflow} only when asked).
   *
   * @param id the workflow's id
   * @throws IllegalArgumentException if there is no such workflow
   * @throws IllegalStateException if it is RUNNING (an interrupted one is claimed anyway) or
   *     COMPLETED
   */
  public void requestResume(UUID id) {
    resumeAt(id, machinery.leases.now());
  }

  /**
   * Asks for a halted, failed or new workflow to be resumed at {@code at} (not before) by a worker
   * pool: "check the payment again in ten minutes" without a scheduler of one's own. A later
   * request replaces an earlier one; a run of the workflow takes the request up.
   *
   * @param id the workflow's id
   * @param at when it becomes due
   * @throws IllegalArgumentException if an argument is null, or there is no such workflow, or
   *     {@code at} is later than the database holds (MariaDB and MySQL: January 2038)
   * @throws IllegalStateException if it is RUNNING or COMPLETED
   */
  public void resumeAt(UUID id, java.time.Instant at) {
    if (id == null || at == null) {
      throw new IllegalArgumentException(
          "resumeAt needs a workflow id and an instant, got " + id + ", " + at);
    }
    WorkflowActions.requireHeld(at, machinery.tables.sessions().kind());
    WorkflowStatus refused = machinery.tables.workflows().requestResume(id, at);
    if (refused != null) {
      throw WorkflowActions.refusal(id, refused.name());
    }
    if (!at.isAfter(machinery.leases.now())) {
      machinery.workAvailable();
    }
  }

  // ------------------------------------------------------------------ worker pools

  /**
   * A builder of a worker pool that runs this Flowstate's registered definitions: it claims
   * submitted, due and interrupted workflows and resumes them. Register definitions first.
   *
   * <pre>{@code
   * WorkerPool pool = flowstate.workers().threads(8).start();
   * UUID id = flowstate.submit("orders", List.of(order));   // some pool, in some process, runs it
   * ...
   * pool.close();                                           // hands back what it holds
   * }</pre>
   *
   * @return a builder with the defaults of {@link WorkerPoolBuilder}
   */
  public WorkerPoolBuilder workers() {
    return new WorkerPoolBuilder(machinery);
  }

  /**
   * The definitions registered here, in the order they were registered, each with its fingerprint
   * (the hash stored workflows are checked against): for an application's info page.
   *
   * @return name to fingerprint, a copy
   */
  public Map<String, String> definitions() {
    return java.util.Collections.unmodifiableMap(machinery.definitions.fingerprints());
  }

  /**
   * A registered definition, for tools that draw it (the dashboard marks a workflow's position in
   * it).
   *
   * @param name the definition's name
   * @return the definition, empty if none is registered under that name
   */
  public Optional<Flow<?>> definition(String name) {
    return machinery.definitions.find(name).map(Definitions.Registered::definition);
  }

  /**
   * How many stored workflows of each definition have each status, in one query (a scan of the
   * workflow table's status and definition: cache it where it is read often, as gauges do).
   * Definitions stored by other instances count too; statuses with none are left out.
   *
   * @return definition name to status to count
   */
  public Map<String, Map<WorkflowStatus, Long>> workflowCounts() {
    return reading(reader::workflowCounts);
  }

  /**
   * Running workflows that need someone: those whose lease has passed, by the database's clock (the
   * process running them died, or a pool handed them back; any pool takes them over), and those
   * marked stalled (no save point for {@code stalledAfter}). For health checks: one query.
   *
   * @return the counts
   */
  public Stuck stuck() {
    var counts = machinery.tables.ownership().stuckCounts(machinery.leaseClock.instant());
    return new Stuck(counts.interrupted(), counts.stalled());
  }

  /**
   * @return the version of the latest of flowstate's migrations applied to its schema (empty when
   *     it was never migrated), for an application's info page
   */
  public Optional<String> schemaVersion() {
    return reading(reader::schemaVersion);
  }

  /**
   * Counts of running workflows that need someone (see {@link Flowstate#stuck()}).
   *
   * @param interrupted running with no live lease: waiting for a pool to take them over
   * @param stalled running, but without a save point for longer than {@code stalledAfter}
   */
  public record Stuck(long interrupted, long stalled) {}

  // for tests: the store, a heartbeat without waiting for it, the pool the builder made

  Tables tables() {
    return machinery.tables;
  }

  Leases leases() {
    return machinery.leases;
  }

  int maxConnections() {
    return machinery.maxConnections();
  }

  // ------------------------------------------------------------------ queries

  /**
   * Lists stored workflows, newest first (by last save), with their halt details, last error and
   * object counts by status. The query API reads with {@link WorkflowReader}: no lock, no write.
   *
   * @param query the filters and the page, e.g. {@code WorkflowQuery.all().status(HALTED)}
   * @return the page of workflows
   * @throws IllegalArgumentException if {@code query} is null
   */
  public List<StoredWorkflow> workflows(WorkflowQuery query) {
    return reading(c -> reader.workflows(c, query));
  }

  /**
   * @param id the workflow's id
   * @return the workflow as {@link #workflows} lists them, empty if there is none
   * @throws StoreException if its row cannot be read (the message names the column and a fix)
   */
  public Optional<StoredWorkflow> workflow(UUID id) {
    return reading(c -> reader.workflow(c, id));
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
    return reading(c -> reader.objects(c, id, type, status, offset, limit));
  }

  /**
   * The task history of a workflow: one row per object run, in the order the runs began.
   *
   * @param id the workflow's id
   * @return its runs (none when history is off or the id is unknown)
   */
  public List<ObjectRun> history(UUID id) {
    return reading(c -> reader.history(c, id));
  }

  /**
   * @param id the workflow's id
   * @param position the object's position
   * @return the runs of that object, in the order they began
   */
  public List<ObjectRun> history(UUID id, int position) {
    return reading(c -> reader.history(c, id, position));
  }

  private <R> R reading(org.hibernate.jdbc.ReturningWork<R> read) {
    return machinery.tables.sessions().reading(read);
  }

  /** Closes the entity manager factory and, if the builder made it, the connection pool. */
  @Override
  public void close() {
    machinery.close();
  }
}
