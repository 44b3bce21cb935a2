package dev.flowstate.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.ObjectEntity;
import dev.flowstate.db.internal.Store;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.UUID;

/**
 * A stored workflow's objects, read page by page in position order, so that a workflow of a
 * million objects does not need them all in memory. The objects of the current page stay the same
 * instances while the engine works on them.
 */
final class StoredObjects<T> extends AbstractList<T> implements RandomAccess {

  static final int PAGE = 1000;

  private final Store store;
  private final ObjectMapper mapper;
  private final UUID workflowId;
  private final Class<T> type;
  private final int size;
  private int pageStart = -1;
  private Object[] page = new Object[0];

  StoredObjects(Store store, ObjectMapper mapper, UUID workflowId, Class<T> type, int size) {
    this.store = store;
    this.mapper = mapper;
    this.workflowId = workflowId;
    this.type = type;
    this.size = size;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("object " + index + " of " + size);
    }
    if (pageStart < 0 || index < pageStart || index >= pageStart + page.length) {
      load(index - index % PAGE);
    }
    return (T) page[index - pageStart];
  }

  private void load(int start) {
    List<ObjectEntity> rows =
        store.inTransaction(
            em ->
                em.createQuery(
                        "select o from ObjectEntity o where o.workflowId = :id"
                            + " and o.pos >= :from and o.pos < :to order by o.pos",
                        ObjectEntity.class)
                    .setParameter("id", workflowId)
                    .setParameter("from", start)
                    .setParameter("to", start + PAGE)
                    .getResultList());
    Object[] objects = new Object[rows.size()];
    for (int i = 0; i < objects.length; i++) {
      objects[i] = read(rows.get(i));
    }
    page = objects;
    pageStart = start;
  }

  private T read(ObjectEntity row) {
    JsonNode data = row.data;
    try {
      return data == null || data.isNull() ? null : mapper.treeToValue(data, type);
    } catch (Exception e) {
      throw new StoreException(
          "object "
              + row.pos
              + " of workflow "
              + workflowId
              + " has data that cannot be read as "
              + type.getName()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
