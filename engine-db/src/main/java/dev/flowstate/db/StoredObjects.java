package dev.flowstate.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.Tables;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.UUID;
import java.util.function.ObjIntConsumer;

/**
 * A stored workflow's objects, read page by page in position order, so that a workflow of a million
 * objects does not need them all in memory. Each object is made from its JSON when first asked for,
 * so a bad row fails only when the engine reaches it; the objects of the current page stay the same
 * instances while the engine works on them.
 */
final class StoredObjects<T> extends AbstractList<T> implements RandomAccess {

  static final int PAGE = 1000;

  private final Tables tables;
  private final ObjectMapper mapper;
  private final UUID workflowId;
  private final Class<T> type;
  private final int size;
  private ObjIntConsumer<StoreException> onUnreadable = (e, index) -> {};
  private int pageStart = -1;
  private String[] json = new String[0];
  private Object[] page = new Object[0];
  private boolean[] made = new boolean[0];

  StoredObjects(Tables tables, ObjectMapper mapper, UUID workflowId, Class<T> type, int size) {
    this.tables = tables;
    this.mapper = mapper;
    this.workflowId = workflowId;
    this.type = type;
    this.size = size;
  }

  /**
   * The objects' JSON, read already (with a pool's claim): the first page is then not read again.
   *
   * @param data every object's JSON, in position order
   */
  void preloaded(List<String> data) {
    if (data.size() == size && size <= PAGE) {
      json = data.toArray(new String[0]);
      page = new Object[size];
      made = new boolean[size];
      pageStart = 0;
    }
  }

  /** Told of a row that cannot be read, before the exception is thrown. */
  void onUnreadable(ObjIntConsumer<StoreException> listener) {
    this.onUnreadable = listener;
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
    int i = index - pageStart;
    if (!made[i]) {
      page[i] = read(index, json[i]);
      made[i] = true;
      json[i] = null;
    }
    return (T) page[i];
  }

  private void load(int start) {
    int length = Math.min(PAGE, size - start);
    String[] data = new String[length];
    // one plain query outside any transaction (a read needs no BEGIN/COMMIT round trip); a
    // thousand (position, JSON text) pairs need none of Hibernate's row processing, which took
    // a few times as long as the query itself
    int found = tables.objects().readObjectData(workflowId, start, data);
    if (found != length) {
      StoreException missing =
          new StoreException(
              "workflow "
                  + workflowId
                  + " should have objects "
                  + start
                  + " to "
                  + (start + length - 1)
                  + " but only "
                  + found
                  + " of them are stored");
      onUnreadable.accept(missing, start);
      throw missing;
    }
    json = data;
    page = new Object[length];
    made = new boolean[length];
    pageStart = start;
  }

  private T read(int index, String data) {
    try {
      return data == null ? null : mapper.readValue(data, type);
    } catch (Exception e) {
      StoreException unreadable =
          new StoreException(
              "object "
                  + index
                  + " of workflow "
                  + workflowId
                  + " has data that cannot be read as "
                  + type.getName()
                  + ": "
                  + e.getMessage()
                  + "; correct its data column (fs_object.data) and resume"
                  + RowShapes.JSON_HINT,
              e);
      onUnreadable.accept(unreadable, index);
      throw unreadable;
    }
  }
}
