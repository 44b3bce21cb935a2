package dev.flowstate.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.ObjectEntity;
import dev.flowstate.db.internal.Store;
import dev.flowstate.db.internal.WorkflowEntity;
import dev.flowstate.engine.EngineHooks;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.TransitionTable;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import jakarta.persistence.EntityManager;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The save points of SEMANTICS §7, as hooks and a transition table of the core engine. Each save
 * point is one transaction: it reads the workflow row (and the object row), checks that nobody
 * else saved the workflow since this engine last did (the version it remembers), changes them,
 * commits. The object's status and data before its run are remembered at "before object", so
 * that skip and abort can put them back.
 */
final class SavePoints<T> implements EngineHooks<T>, TransitionTable<T> {

  private static final Logger LOG = LoggerFactory.getLogger(SavePoints.class);

  final UUID id;
  final String definitionName;
  private final String fingerprint;
  private final Store store;
  private final ObjectMapper mapper;
  private final Clock clock;

  /** The workflow row's version after this engine's last save; -1 before the row exists. */
  long version = -1;

  private ObjectStatus statusBefore;
  private JsonNode dataBefore;
  private String endedBy;
  private boolean aborted;

  SavePoints(
      UUID id, String definitionName, String fingerprint, Store store, ObjectMapper mapper,
      Clock clock) {
    this.id = id;
    this.definitionName = definitionName;
    this.fingerprint = fingerprint;
    this.store = store;
    this.mapper = mapper;
    this.clock = clock;
  }

  // ------------------------------------------------------------------ hooks

  @Override
  public void beforeProcessing(WorkflowEngine<T> engine, List<? extends T> objects) {
    endedBy = null;
    aborted = false;
    int first = engine.state().tokenPos() + 1;
    if (objects instanceof StoredObjects && first >= 0 && first < objects.size()) {
      objects.get(first); // a row that cannot be read fails here, before anything is written
    }
    Instant now = clock.instant();
    save(
        engine,
        em -> {
          WorkflowEntity wf = em.find(WorkflowEntity.class, id);
          if (wf == null) {
            wf = new WorkflowEntity();
            wf.id = id;
            wf.definitionName = definitionName;
            wf.definitionFingerprint = fingerprint;
            wf.createdAt = now;
            wf.status = WorkflowStatus.NEW;
          } else {
            checkVersion(wf);
          }
          wf.status = WorkflowStatus.RUNNING;
          wf.haltMessage = null;
          wf.haltAction = null;
          wf.haltPayload = null;
          wf.lastError = null;
          positions(wf, engine);
          wf.modifiedAt = now;
          if (version < 0) {
            em.persist(wf);
          }
          if (!(objects instanceof StoredObjects)) {
            long stored =
                em.createQuery(
                        "select count(o) from ObjectEntity o where o.workflowId = :id", Long.class)
                    .setParameter("id", id)
                    .getSingleResult();
            for (int i = (int) stored; i < objects.size(); i++) {
              ObjectEntity o = new ObjectEntity();
              o.workflowId = id;
              o.pos = i;
              o.status = ObjectStatus.INITIAL;
              o.data = json(objects.get(i), i);
              o.sourceData = o.data;
              o.createdAt = now;
              o.modifiedAt = now;
              em.persist(o);
              if ((i + 1) % Store.BATCH_SIZE == 0) {
                em.flush();
                em.clear();
                wf = em.find(WorkflowEntity.class, id);
              }
            }
          }
          return wf;
        });
  }

  @Override
  public void beforeObject(WorkflowEngine<T> engine, T obj) {
    int index = engine.state().tokenPos();
    save(
        engine,
        em -> {
          WorkflowEntity wf = workflow(em);
          ObjectEntity o = object(em, index);
          statusBefore = o.status;
          dataBefore = o.data;
          o.status = ObjectStatus.RUNNING;
          o.modifiedAt = clock.instant();
          wf.tokenPos = index;
          wf.modifiedAt = o.modifiedAt;
          return wf;
        });
  }

  @Override
  public void afterObject(WorkflowEngine<T> engine, T obj) {
    saveObject(engine, obj, ObjectStatus.COMPLETED, true);
  }

  @Override
  public void afterProcessing(WorkflowEngine<T> engine, List<? extends T> objects) {
    // an abort puts its object back as it was, so even on the last object the run is not complete
    boolean completed = engine.hasCompleted() && !aborted;
    Map<String, Object> extra = extraData(engine);
    save(
        engine,
        em -> {
          WorkflowEntity wf = workflow(em);
          wf.status = completed ? WorkflowStatus.COMPLETED : WorkflowStatus.HALTED;
          wf.haltMessage = completed ? null : endedBy;
          positions(wf, engine);
          wf.extraData = extra;
          wf.modifiedAt = clock.instant();
          return wf;
        });
  }

  // ------------------------------------------------------------------ transitions

  @Override
  public Next onHalt(WorkflowEngine<T> engine, T obj, HaltProcessing halt) {
    int index = engine.state().tokenPos();
    String task = engine.currentTaskName();
    JsonNode data = json(obj, index);
    JsonNode payload = payload(halt.payload());
    saveStuck(
        engine,
        index,
        ObjectStatus.HALTED,
        WorkflowStatus.HALTED,
        o -> o.data = data,
        wf -> {
          wf.haltMessage = halt.message();
          wf.haltAction = halt.action();
          wf.haltPayload = payload;
        });
    LOG.warn(
        "workflow {} halted at object {}, task {} {}: {}",
        id,
        index,
        task,
        engine.state().callbackPos(),
        halt.message());
    throw halt;
  }

  @Override
  public Next onError(WorkflowEngine<T> engine, T obj, Throwable error) {
    int index = engine.state().tokenPos();
    String task = engine.currentTaskName();
    String text = String.valueOf(error);
    saveStuck(
        engine,
        index,
        ObjectStatus.ERROR,
        WorkflowStatus.ERROR,
        o -> o.errorText = text,
        wf -> wf.lastError = "task " + task + " on object " + index + ": " + text);
    if (error instanceof WorkflowError known && id.toString().equals(known.workflowId())) {
      throw known;
    }
    throw new WorkflowError(
        "workflow " + id + " failed at object " + index + ", task " + task + ": " + text,
        id.toString(),
        index,
        null,
        error);
  }

  @Override
  public Next onStop(WorkflowEngine<T> engine, T obj) {
    endedBy = "stopped by task " + engine.currentTaskName() + " on object " + engine.state().tokenPos();
    saveObject(engine, obj, ObjectStatus.COMPLETED, true);
    return Next.END_RUN;
  }

  @Override
  public Next onAbort(WorkflowEngine<T> engine, T obj) {
    aborted = true;
    endedBy = "aborted by task " + engine.currentTaskName() + " on object " + engine.state().tokenPos();
    saveObject(engine, obj, statusBefore, false);
    return Next.END_RUN;
  }

  @Override
  public Next onContinueNextToken(WorkflowEngine<T> engine, T obj) {
    saveObject(engine, obj, ObjectStatus.COMPLETED, true);
    return Next.NEXT_OBJECT;
  }

  @Override
  public Next onJumpToken(WorkflowEngine<T> engine, T obj, int offset) {
    saveObject(engine, obj, ObjectStatus.COMPLETED, true);
    return Next.NEXT_OBJECT;
  }

  @Override
  public Next onSkipToken(WorkflowEngine<T> engine, T obj) {
    saveObject(engine, obj, ObjectStatus.SKIPPED, false);
    return Next.NEXT_OBJECT;
  }

  // ------------------------------------------------------------------ helpers

  /**
   * The halt and error save point: object and workflow get their status, the position of the task
   * that raised it and the extra data; {@code object} and {@code workflow} add what differs.
   */
  private void saveStuck(
      WorkflowEngine<T> engine,
      int index,
      ObjectStatus objectStatus,
      WorkflowStatus workflowStatus,
      Consumer<ObjectEntity> object,
      Consumer<WorkflowEntity> workflow) {
    List<Integer> callbackPos = engine.state().callbackPos();
    Map<String, Object> extra = extraData(engine); // checked before the transaction opens
    save(
        engine,
        em -> {
          WorkflowEntity wf = workflow(em);
          ObjectEntity o = object(em, index);
          o.status = objectStatus;
          o.callbackPos = callbackPos;
          o.modifiedAt = clock.instant();
          object.accept(o);
          wf.status = workflowStatus;
          positions(wf, engine);
          wf.extraData = extra;
          wf.modifiedAt = o.modifiedAt;
          workflow.accept(wf);
          return wf;
        });
  }

  /** Saves the current object with {@code status}, and its data (or the data before the run). */
  private void saveObject(WorkflowEngine<T> engine, T obj, ObjectStatus status, boolean newData) {
    int index = engine.state().tokenPos();
    JsonNode data = newData ? json(obj, index) : dataBefore;
    save(
        engine,
        em -> {
          WorkflowEntity wf = workflow(em);
          ObjectEntity o = object(em, index);
          o.status = status;
          o.data = data;
          o.callbackPos = null;
          o.errorText = null;
          o.modifiedAt = clock.instant();
          return wf;
        });
  }

  /** One save point: one transaction; remembers the workflow version it leaves behind. */
  private void save(WorkflowEngine<T> engine, java.util.function.Function<EntityManager, WorkflowEntity> work) {
    try {
      WorkflowEntity wf =
          store.inTransaction(
              em -> {
                WorkflowEntity saved = work.apply(em);
                em.flush();
                return saved;
              });
      version = wf.version;
    } catch (OptimisticLockException e) {
      throw conflict(e);
    } catch (PersistenceException e) {
      if (e.getCause() instanceof org.hibernate.StaleStateException) {
        throw conflict(e);
      }
      throw new StoreException(
          "workflow " + id + ": could not save at object " + engine.state().tokenPos() + ": "
              + e.getMessage(),
          e);
    }
  }

  private StoreException conflict(Exception e) {
    return new StoreException(
        "workflow "
            + id
            + " was saved by another engine since this one last saved it; this engine's"
            + " changes were not written. Load the workflow again to continue from what is stored",
        e);
  }

  private WorkflowEntity workflow(EntityManager em) {
    WorkflowEntity wf = em.find(WorkflowEntity.class, id);
    if (wf == null) {
      throw new StoreException("workflow " + id + " is no longer in the database");
    }
    checkVersion(wf);
    return wf;
  }

  private void checkVersion(WorkflowEntity wf) {
    if (version >= 0 && wf.version != version) {
      throw new OptimisticLockException(
          "workflow " + id + " has version " + wf.version + ", expected " + version);
    }
  }

  private ObjectEntity object(EntityManager em, int index) {
    List<ObjectEntity> rows =
        em.createQuery(
                "select o from ObjectEntity o where o.workflowId = :id and o.pos = :pos",
                ObjectEntity.class)
            .setParameter("id", id)
            .setParameter("pos", index)
            .getResultList();
    if (rows.isEmpty()) {
      throw new StoreException(
          "workflow " + id + " has no stored object at position " + index
              + "; were the objects replaced by a longer list in restart(...)?");
    }
    return rows.get(0);
  }

  private void positions(WorkflowEntity wf, WorkflowEngine<T> engine) {
    wf.tokenPos = engine.state().tokenPos();
    wf.callbackPos = engine.state().callbackPos();
  }

  private JsonNode json(Object obj, int index) {
    try {
      return mapper.valueToTree(obj);
    } catch (IllegalArgumentException e) {
      throw new StoreException(
          "object " + index + " of workflow " + id + " cannot be written as JSON: " + e.getMessage(),
          e);
    }
  }

  private JsonNode payload(Object payload) {
    try {
      return payload == null ? null : mapper.valueToTree(payload);
    } catch (IllegalArgumentException e) {
      throw new StoreException(
          "the halt payload of workflow " + id + " cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /** A copy of the engine's extra data, each value checked to be writable as JSON. */
  private Map<String, Object> extraData(WorkflowEngine<T> engine) {
    Map<String, Object> copy = new HashMap<>(engine.extraData());
    for (Map.Entry<String, Object> entry : copy.entrySet()) {
      try {
        mapper.writeValueAsString(entry.getValue());
      } catch (JsonProcessingException e) {
        throw new StoreException(
            "extraData['"
                + entry.getKey()
                + "'] of workflow "
                + id
                + " cannot be stored as JSON ("
                + entry.getValue().getClass().getName()
                + "): "
                + e.getOriginalMessage(),
            e);
      }
    }
    return copy;
  }

}
