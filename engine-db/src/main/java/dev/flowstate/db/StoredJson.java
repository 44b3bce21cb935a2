package dev.flowstate.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A workflow's values as the JSON its rows store (object data, halt payload, extra data), each
 * checked before any transaction: writable as JSON, and within the size limit, since one huge value
 * can exhaust the database.
 */
final class StoredJson {

  private final UUID id;
  private final ObjectMapper mapper;
  private final int maxDataLength;

  StoredJson(UUID id, ObjectMapper mapper, int maxDataLength) {
    this.id = id;
    this.mapper = mapper;
    this.maxDataLength = maxDataLength;
  }

  /** Object {@code index}'s data as JSON. */
  String object(Object obj, int index) {
    String json;
    try {
      json = mapper.writeValueAsString(obj);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "object "
              + index
              + " of workflow "
              + id
              + " cannot be written as JSON: "
              + e.getMessage(),
          e);
    }
    checkLength(json.length(), "object " + index);
    return json;
  }

  /** Each object's data as JSON, by position. */
  List<String> objects(List<?> objects) {
    List<String> data = new ArrayList<>(objects.size());
    for (int i = 0; i < objects.size(); i++) {
      data.add(object(objects.get(i), i));
    }
    return data;
  }

  /** A halt's payload as a JSON tree, or null for none. */
  JsonNode payload(Object payload) {
    if (payload == null) {
      return null;
    }
    String json;
    try {
      json = mapper.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "the halt payload of workflow " + id + " cannot be written as JSON: " + e.getMessage(),
          e);
    }
    checkLength(json.length(), "the halt payload");
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "the halt payload of workflow " + id + " cannot be read back as JSON: " + e.getMessage(),
          e);
    }
  }

  /**
   * A copy of the engine's extra data as stored ({@link ExtraData}), each value checked to come
   * back as it is and to be writable as JSON; null for none.
   */
  Map<String, Object> extraData(Map<String, Object> source) {
    if (source.isEmpty()) {
      return null;
    }
    Map<String, Object> copy = ExtraData.encode(source, id);
    long length = 0;
    for (Map.Entry<String, Object> entry : copy.entrySet()) {
      try {
        length += mapper.writeValueAsString(entry.getValue()).length() + entry.getKey().length();
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
    checkLength((int) Math.min(Integer.MAX_VALUE, length), "extraData");
    return copy;
  }

  private void checkLength(int length, String what) {
    if (length > maxDataLength) {
      throw new StoreException(
          what
              + " of workflow "
              + id
              + " is "
              + length
              + " characters of JSON, over the limit of "
              + maxDataLength
              + " (FlowstateBuilder.maxDataLength); keep large data elsewhere and store a"
              + " reference to it, or raise the limit");
    }
  }
}
