package dev.flowstate.db.internal;

import dev.flowstate.db.ObjectStatus;
import dev.flowstate.db.StoreException;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A commit's objects, one array per column: the last end of each (a backward jump can end one
 * object twice), then the object to mark RUNNING.
 */
final class ObjectRows {
  final int n;
  final Boolean[] mark;
  final Integer[] pos;
  final String[] status;
  final String[] data;
  final String[] callbackPos;
  final String[] errorText;
  final String[] modifiedAt;
  final java.time.Instant[] modified;

  /** Whether the object to mark RUNNING also ended in this commit (a jump back to itself). */
  final boolean markEnded;

  ObjectRows(List<ObjectEnd> pending, int markRunning, java.time.Instant now) {
    Map<Integer, ObjectEnd> last = new HashMap<>();
    for (ObjectEnd e : pending) {
      last.put(e.pos(), e);
    }
    n = last.size() + (markRunning >= 0 ? 1 : 0);
    mark = new Boolean[n];
    pos = new Integer[n];
    status = new String[n];
    data = new String[n];
    callbackPos = new String[n];
    errorText = new String[n];
    modifiedAt = new String[n];
    modified = new java.time.Instant[n];
    markEnded = last.containsKey(markRunning);
    int i = 0;
    for (ObjectEnd e : last.values()) {
      pos[i] = e.pos();
      mark[i] = false;
      status[i] = e.status() == null ? null : e.status().name();
      data[i] = e.data();
      callbackPos[i] = json(e.callbackPos());
      errorText[i] = e.errorText();
      modified[i] = e.endedAt();
      modifiedAt[i] = e.endedAt().toString();
      i++;
    }
    if (markRunning >= 0) {
      pos[i] = markRunning;
      mark[i] = true;
      status[i] = ObjectStatus.RUNNING.name();
      modified[i] = now;
      modifiedAt[i] = now.toString();
    }
  }

  /** Binds the seven arrays from parameter {@code p}; returns the next parameter. */
  int bind(java.sql.Connection connection, PreparedStatement statement, int p)
      throws java.sql.SQLException {
    statement.setArray(p++, connection.createArrayOf("int4", pos));
    statement.setArray(p++, connection.createArrayOf("bool", mark));
    statement.setArray(p++, connection.createArrayOf("text", status));
    statement.setArray(p++, connection.createArrayOf("text", data));
    statement.setArray(p++, connection.createArrayOf("text", callbackPos));
    statement.setArray(p++, connection.createArrayOf("text", errorText));
    statement.setArray(p++, connection.createArrayOf("text", modifiedAt));
    return p;
  }

  void check(UUID id, int updated) {
    if (updated != n) {
      throw missing(id, pos);
    }
  }

  static String json(List<Integer> positions) {
    if (positions == null) {
      return null;
    }
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < positions.size(); i++) {
      json.append(i == 0 ? "" : ",").append(positions.get(i));
    }
    return json.append(']').toString();
  }

  static StoreException missing(UUID id, Integer[] positions) {
    return new StoreException(
        "workflow "
            + id
            + " has no stored object at some of the positions "
            + java.util.Arrays.toString(positions)
            + "; were the objects replaced by a longer list in restart(...)?");
  }
}
