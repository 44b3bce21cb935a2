package dev.flowstate.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstate.db.internal.Tables;
import dev.flowstate.db.internal.WorkflowEntity;
import dev.flowstate.db.internal.WorkflowTable;
import java.util.UUID;

/*
 * A workflow row edited by hand can hold JSON of the wrong shape (callback_pos not a list of
 * integers, extra_data not an object; on H2 a plain UPDATE ... SET col = '{...}' stores a JSON
 * *string*). Hibernate then fails with a bare IllegalArgumentException. This reads the row's JSON
 * columns as text to name the column that is wrong and how to fix it on either database.
 */
final class RowShapes {

  static final String JSON_HINT =
      " (PostgreSQL: UPDATE ... SET column = '<json>'; H2: SET column = '<json>' FORMAT JSON, since"
          + " without FORMAT JSON H2 stores the text as a JSON string)";

  private RowShapes() {}

  /** The workflow row, or null if there is none; a row of the wrong shape is a StoreException. */
  static WorkflowEntity find(Tables tables, ObjectMapper mapper, UUID id) {
    try {
      return tables.workflows().findWorkflow(id);
    } catch (RuntimeException e) {
      throw diagnose(tables, mapper, id, e);
    }
  }

  private static StoreException diagnose(
      Tables tables, ObjectMapper mapper, UUID id, RuntimeException e) {
    WorkflowTable.JsonColumns stored;
    try {
      stored = tables.workflows().jsonColumns(id).orElse(null);
    } catch (RuntimeException unreadable) {
      e.addSuppressed(unreadable);
      stored = null;
    }
    if (stored == null) {
      return new StoreException("workflow " + id + " cannot be read: " + e.getMessage(), e);
    }
    String problem =
        problem(mapper, stored.callbackPos(), stored.extraData(), stored.haltPayload());
    if (problem == null) {
      return new StoreException("workflow " + id + " cannot be read: " + e.getMessage(), e);
    }
    return new StoreException("workflow " + id + " cannot be read: its stored " + problem, e);
  }

  /**
   * What is wrong with a workflow row's JSON columns, as read in text, and how to fix it; null if
   * their shapes are right.
   */
  static String problem(
      ObjectMapper mapper, String callbackPosText, String extraData, String haltPayload) {
    String problem;
    String fix;
    JsonNode callbackPos = parse(mapper, callbackPosText);
    if (callbackPos == null
        || !callbackPos.isArray()
        || callbackPos.isEmpty()
        || !allInts(callbackPos)) {
      problem = "callback_pos is " + callbackPosText + ", not a non-empty list of integers";
      fix = "set it to the task position to resume at, e.g. '[0]' for the first task";
    } else if (extraData != null && !isObjectOrNull(parse(mapper, extraData))) {
      problem = "extra_data is " + abbreviate(extraData) + ", not a JSON object";
      fix = "set it to a JSON object such as '{}' or to NULL";
    } else if (haltPayload != null && parse(mapper, haltPayload) == null) {
      problem = "halt_payload is " + abbreviate(haltPayload) + ", not JSON";
      fix = "set it to JSON or to NULL";
    } else {
      return null;
    }
    return problem + "; " + fix + JSON_HINT;
  }

  private static JsonNode parse(ObjectMapper mapper, String json) {
    if (json == null) {
      return null;
    }
    try {
      return mapper.readTree(json);
    } catch (Exception e) {
      return null;
    }
  }

  private static boolean allInts(JsonNode array) {
    for (JsonNode element : array) {
      if (!element.canConvertToInt() || !element.isIntegralNumber()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isObjectOrNull(JsonNode node) {
    return node != null && (node.isObject() || node.isNull());
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 197) + "...";
  }
}
