package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.Ownership;
import dev.flowstate.db.internal.Tables;
import dev.flowstate.db.internal.WorkflowEntity;
import dev.flowstate.db.internal.WorkflowTable;
import dev.flowstate.engine.EngineListener;
import dev.flowstate.engine.EngineState;
import dev.flowstate.engine.Flow;
import java.util.List;
import java.util.UUID;

/**
 * New workflows stored (submitted, or created with an engine for their creator) and stored
 * workflows' engines made from their rows: a stored one loaded (its definition found by name and
 * its fingerprint checked, its positions, extra data and objects restored), each with its save
 * points and the Flowstate's listeners.
 */
final class Engines {

  private final RunSettings run;
  private final Tables tables;
  private final ObjectMapper mapper;
  private final Leases leases;
  private final Definitions definitions;
  private final List<EngineListener<?>> listeners;

  Engines(RunSettings run, Definitions definitions, List<EngineListener<?>> listeners) {
    this.run = run;
    this.tables = run.tables();
    this.mapper = run.mapper();
    this.leases = run.leases();
    this.definitions = definitions;
    this.listeners = listeners;
  }

  /** A new workflow its creator runs (no pool takes it until asked), stored, and its engine. */
  <T> DbWorkflowEngine<T> create(String name, Class<T> type, List<? extends T> objects) {
    Definitions.Registered<T> registered = definitions.of(name, type, null);
    WorkflowEntity row = newRow(registered, false);
    SavePoints<T> saves = savePoints(row, null);
    tables.workflows().insertNew(saves.row, saves.prepareNew(objects));
    DbWorkflowEngine<T> engine = engine(saves, registered.definition(), type);
    if (!objects.isEmpty()) {
      engine.restore(
          new EngineState(-1, List.of(0)), null, storedObjects(saves, type, objects.size()), false);
    }
    return engine;
  }

  /** A new workflow's row of {@code registered}'s definition, due now or never. */
  WorkflowEntity newRow(Definitions.Registered<?> registered, boolean due) {
    WorkflowEntity row = new WorkflowEntity();
    row.id = UUID.randomUUID();
    row.definitionName = registered.name();
    row.definitionFingerprint = registered.fingerprint();
    row.resumeAt = due ? leases.now() : null;
    return row;
  }

  /**
   * @param preloaded the row and object count a pool read with its claim, or null to read them
   * @param started whether the pool's claim wrote the run's first save point (a NEW workflow)
   */
  <T> DbWorkflowEngine<T> load(
      UUID id,
      Class<T> type,
      boolean allowChangedDefinition,
      String claimant,
      WorkflowTable.Preloaded preloaded,
      boolean started) {
    if (id == null) {
      throw new IllegalArgumentException("workflow id must not be null");
    }
    WorkflowEntity wf = preloaded != null ? preloaded.row() : RowShapes.find(tables, mapper, id);
    if (wf == null) {
      throw new IllegalArgumentException(
          "no workflow with id "
              + id
              + (type == null
                  ? "; check the id (flowstate list)"
                  : "; load never creates one, use newWorkflow(name, type)"));
    }
    Definitions.Registered<T> registered = definitions.of(wf.definitionName, type, id);
    if (!allowChangedDefinition && !registered.fingerprint().equals(wf.definitionFingerprint)) {
      throw new IllegalStateException(
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
    if (wf.owner != null
        && !wf.owner.equals(claimant)
        && wf.leaseUntil != null
        && !wf.leaseUntil.isBefore(leases.now())) {
      throw Ownership.heldBy(id, wf.owner, wf.leaseUntil);
    }
    if (wf.status == WorkflowStatus.COMPLETED && claimant != null) {
      // a pool claimed it as another engine completed it: nothing to run (a caller's load may
      // rerun it with restartFromSourceData, process or restart; its resume() says it completed)
      throw new IllegalStateException(
          "workflow "
              + id
              + " is COMPLETED: every object was processed, there is nothing to resume");
    }
    int count = preloaded != null ? preloaded.objects() : tables.objects().objectCount(id);
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
    SavePoints<T> saves = savePoints(wf, claimant);
    boolean startedByClaim =
        started
            && wf.status == WorkflowStatus.RUNNING
            && wf.tokenPos == 0
            && claimant != null
            && claimant.equals(wf.owner);
    if (startedByClaim) {
      saves.startedByClaim = true;
    }
    DbWorkflowEngine<T> engine = engine(saves, registered.definition(), registered.type());
    engine.restore(
        // a run the claim started is a NEW workflow's: the engine begins before its first object
        startedByClaim
            ? new EngineState(-1, wf.callbackPos)
            : new EngineState(wf.tokenPos, wf.callbackPos),
        wf.extraData,
        storedObjects(
            saves, registered.type(), count, preloaded == null ? null : preloaded.objectData()),
        false);
    engine.loaded();
    return engine;
  }

  /** A stored workflow's engine, with this Flowstate's listeners. */
  @SuppressWarnings("unchecked")
  private <T> DbWorkflowEngine<T> engine(SavePoints<T> saves, Flow<T> definition, Class<T> type) {
    DbWorkflowEngine<T> engine =
        new DbWorkflowEngine<>(saves, definition, size -> storedObjects(saves, type, size));
    Integer checkpoint = definitions.checkpoint(saves.definitionName);
    if (checkpoint != null) {
      engine.setCheckpointEvery(checkpoint);
    }
    for (EngineListener<?> listener : listeners) {
      // listeners of a Flowstate see engines of every type: they take the engine as it is
      engine.addListener((EngineListener<T>) listener);
    }
    return engine;
  }

  private <T> StoredObjects<T> storedObjects(SavePoints<T> saves, Class<T> type, int size) {
    return storedObjects(saves, type, size, null);
  }

  /**
   * @param data the objects' JSON read with a pool's claim, or null to read them page by page
   */
  private <T> StoredObjects<T> storedObjects(
      SavePoints<T> saves, Class<T> type, int size, List<String> data) {
    StoredObjects<T> objects = new StoredObjects<>(tables, mapper, saves.id, type, size);
    // the engine may be made after its objects: look the receiver up when it is needed
    objects.onUnreadable((problem, index) -> saves.unreadable.accept(problem, index));
    if (data != null) {
      objects.preloaded(data);
    }
    return objects;
  }

  /** The save points of one engine on {@code row}; {@code owner} null for a new owner. */
  <T> SavePoints<T> savePoints(WorkflowEntity row, String owner) {
    return new SavePoints<>(row, run, owner);
  }

  /** A new workflow stored NEW and due, not loaded: a submit's caller gets the id. */
  <T> UUID submit(Definitions.Registered<T> registered, List<?> objects) {
    List<T> typed = Definitions.typed(registered, objects, "");
    // stored, not loaded: a submit's caller gets the id, and a pool builds the engine it runs
    WorkflowEntity row = newRow(registered, true);
    SavePoints<T> saves = savePoints(row, null);
    tables.workflows().insertNew(row, saves.prepareNew(typed));
    return row.id;
  }

  /** New workflows stored NEW and due in one transaction, as submit stores each. */
  <T> List<UUID> submitAll(
      Definitions.Registered<T> registered, List<? extends List<?>> workflows) {
    List<SavePoints<T>> saves = new java.util.ArrayList<>(workflows.size());
    List<List<String>> data = new java.util.ArrayList<>(workflows.size());
    for (int w = 0; w < workflows.size(); w++) {
      List<?> objects = workflows.get(w);
      if (objects == null) {
        throw new IllegalArgumentException(
            "workflow "
                + w
                + " of submitAll has null for its objects; pass a List, even an empty one");
      }
      List<T> typed = Definitions.typed(registered, objects, " of workflow " + w + " of submitAll");
      SavePoints<T> save = savePoints(newRow(registered, true), null);
      data.add(save.prepareNew(typed));
      saves.add(save);
    }
    if (saves.isEmpty()) {
      return List.of();
    }
    tables.workflows().insertAll(saves.stream().map(save -> save.row).toList(), data);
    List<UUID> ids = new java.util.ArrayList<>(saves.size());
    saves.forEach(save -> ids.add(save.id));
    return ids;
  }
}
