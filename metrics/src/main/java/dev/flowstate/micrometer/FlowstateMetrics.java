package dev.flowstate.micrometer;

import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.db.FlowstateListener;
import dev.flowstate.db.WorkflowStatus;
import dev.flowstate.engine.WorkflowEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of a {@link Flowstate}, for any Micrometer registry: a {@link MeterBinder} built on
 * the Flowstate's listeners ({@link FlowstateListener}), so it sees every run of the Flowstate,
 * worker pools' included. Tags are few and bounded: the definition's name, a status, an outcome, a
 * task's name; never a workflow id.
 *
 * <pre>{@code
 * new FlowstateMetrics(flowstate).bindTo(registry);   // after the definitions are registered
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code flowstate.workflows.started}</td><td>counter</td><td>definition</td>
 *       <td>stored runs begun (a resume, a restart, a pool's run)</td></tr>
 *   <tr><td>{@code flowstate.workflows.ended}</td><td>counter</td><td>definition, status</td>
 *       <td>stored runs ended: status {@code COMPLETED}, {@code HALTED} or {@code ERROR}</td></tr>
 *   <tr><td>{@code flowstate.workflows.takeovers}</td><td>counter</td><td>definition</td>
 *       <td>runs that took over a workflow whose run had not ended (a dead or frozen owner)</td></tr>
 *   <tr><td>{@code flowstate.objects.processed}</td><td>counter</td><td>definition, outcome</td>
 *       <td>object runs ended, by outcome ({@code COMPLETED}, {@code HALTED}, {@code ERROR}...)</td></tr>
 *   <tr><td>{@code flowstate.tasks}</td><td>timer</td><td>definition, task</td>
 *       <td>how long each task ran</td></tr>
 *   <tr><td>{@code flowstate.saves}</td><td>timer</td><td>definition</td>
 *       <td>each save point's transaction, statements and commit</td></tr>
 *   <tr><td>{@code flowstate.claims}</td><td>timer</td><td>(none)</td>
 *       <td>each worker pool claim's transaction</td></tr>
 *   <tr><td>{@code flowstate.workflows.claimed}</td><td>counter</td><td>(none)</td>
 *       <td>workflows worker pools claimed</td></tr>
 *   <tr><td>{@code flowstate.leases.renewals.failed}</td><td>counter</td><td>(none)</td>
 *       <td>heartbeats that could not renew the leases, after their retries</td></tr>
 *   <tr><td>{@code flowstate.workflows}</td><td>gauge</td><td>definition, status</td>
 *       <td>stored workflows by status, of the definitions registered here; read by one query
 *       at most every {@code countsMaxAge} (10 s by default)</td></tr>
 * </table>
 *
 * <p>Thread-safe. Bind it once, to one registry.
 */
public final class FlowstateMetrics implements MeterBinder, FlowstateListener {

  private static final Logger LOG = LoggerFactory.getLogger(FlowstateMetrics.class);

  private final Flowstate flowstate;
  private final long countsMaxAgeNanos;
  private volatile MeterRegistry registry;

  private final Map<String, Counter> started = new ConcurrentHashMap<>();
  private final Map<String, Counter> takeovers = new ConcurrentHashMap<>();
  private final Map<String, Map<WorkflowStatus, Counter>> ended = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> objects = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Timer>> tasks = new ConcurrentHashMap<>();
  private final Map<String, Timer> saves = new ConcurrentHashMap<>();
  private final Set<String> gauged = ConcurrentHashMap.newKeySet();
  private Timer claims;
  private Counter claimed;
  private Counter renewalsFailed;

  private volatile Counts counts = new Counts(Map.of(), Long.MIN_VALUE);

  private record Counts(Map<String, Map<WorkflowStatus, Long>> byDefinition, long readAt) {}

  /**
   * @param flowstate the Flowstate whose runs are measured
   */
  public FlowstateMetrics(Flowstate flowstate) {
    this(flowstate, Duration.ofSeconds(10));
  }

  /**
   * @param flowstate the Flowstate whose runs are measured
   * @param countsMaxAge how old the workflow counts behind the {@code flowstate.workflows} gauges
   *     may be: one query (a scan of the workflow table) at most this often
   * @throws IllegalArgumentException if an argument is missing or the age negative
   */
  public FlowstateMetrics(Flowstate flowstate, Duration countsMaxAge) {
    if (flowstate == null || countsMaxAge == null || countsMaxAge.isNegative()) {
      throw new IllegalArgumentException(
          "FlowstateMetrics needs a Flowstate and a counts age of zero or more, got "
              + flowstate
              + ", "
              + countsMaxAge);
    }
    this.flowstate = flowstate;
    this.countsMaxAgeNanos = countsMaxAge.toNanos();
  }

  /**
   * Registers the meters that exist from the start (the claims', the leases', a gauge per
   * registered definition and status) and adds this to the Flowstate's listeners; the others appear
   * with their first event.
   *
   * @throws IllegalStateException if bound before
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    if (this.registry != null) {
      throw new IllegalStateException(
          "FlowstateMetrics is bound to a registry already; make one per registry");
    }
    this.registry = registry;
    claims =
        Timer.builder("flowstate.claims")
            .description("worker pool claims: one transaction each")
            .register(registry);
    claimed =
        Counter.builder("flowstate.workflows.claimed")
            .description("workflows claimed by worker pools")
            .register(registry);
    renewalsFailed =
        Counter.builder("flowstate.leases.renewals.failed")
            .description("heartbeats that could not renew the leases of running workflows")
            .register(registry);
    for (String definition : flowstate.definitions().keySet()) {
      gauges(definition);
    }
    flowstate.addListener(this);
  }

  private void gauges(String definition) {
    if (!gauged.add(definition)) {
      return;
    }
    for (WorkflowStatus status : WorkflowStatus.values()) {
      Gauge.builder("flowstate.workflows", this, m -> m.count(definition, status))
          .description("stored workflows by status")
          .tags("definition", definition, "status", status.name())
          .register(registry);
    }
  }

  private double count(String definition, WorkflowStatus status) {
    Counts now = counts;
    long time = System.nanoTime();
    if (time - now.readAt() > countsMaxAgeNanos || now.readAt() == Long.MIN_VALUE) {
      try {
        now = new Counts(flowstate.workflowCounts(), time);
        counts = now;
      } catch (RuntimeException e) {
        LOG.debug("could not count the workflows: {}", e.toString());
        return Double.NaN; // Micrometer's "no value" for a gauge
      }
    }
    return now.byDefinition().getOrDefault(definition, Map.of()).getOrDefault(status, 0L);
  }

  private static String definition(WorkflowEngine<Object> engine) {
    return DbWorkflowEngine.definitionName(engine).orElse("unknown");
  }

  @Override
  public void runStarted(WorkflowEngine<Object> engine, boolean interrupted) {
    String definition = definition(engine);
    gauges(definition);
    started
        .computeIfAbsent(
            definition,
            d ->
                Counter.builder("flowstate.workflows.started")
                    .description("stored runs begun")
                    .tag("definition", d)
                    .register(registry))
        .increment();
    if (interrupted) {
      takeovers
          .computeIfAbsent(
              definition,
              d ->
                  Counter.builder("flowstate.workflows.takeovers")
                      .description("runs that took over a workflow whose run had not ended")
                      .tag("definition", d)
                      .register(registry))
          .increment();
    }
  }

  @Override
  public void runEnded(WorkflowEngine<Object> engine, WorkflowStatus status) {
    String definition = definition(engine);
    ended
        .computeIfAbsent(definition, d -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            status,
            s ->
                Counter.builder("flowstate.workflows.ended")
                    .description("stored runs ended, by the status they were stored with")
                    .tags("definition", definition, "status", s.name())
                    .register(registry))
        .increment();
  }

  @Override
  public void objectEnded(WorkflowEngine<Object> engine, String outcome) {
    String definition = definition(engine);
    objects
        .computeIfAbsent(definition, d -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            outcome,
            o ->
                Counter.builder("flowstate.objects.processed")
                    .description("object runs ended, by outcome")
                    .tags("definition", definition, "outcome", o)
                    .register(registry))
        .increment();
  }

  @Override
  public void taskEnded(WorkflowEngine<Object> engine, String task, long nanos) {
    String definition = definition(engine);
    tasks
        .computeIfAbsent(definition, d -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            task,
            t ->
                Timer.builder("flowstate.tasks")
                    .description("how long tasks ran")
                    .tags("definition", definition, "task", t)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void saved(WorkflowEngine<Object> engine, long nanos) {
    saves
        .computeIfAbsent(
            definition(engine),
            d ->
                Timer.builder("flowstate.saves")
                    .description("save points' transactions: statements and commit")
                    .tag("definition", d)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void claimed(String pool, int workflows, long nanos) {
    claims.record(nanos, TimeUnit.NANOSECONDS);
    claimed.increment(workflows);
  }

  @Override
  public void leaseRenewalFailed(int workflows, Throwable cause) {
    renewalsFailed.increment();
  }
}
