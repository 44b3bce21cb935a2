package dev.flowstate.db;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/*
 * Extra data as stored (SEMANTICS §7): what a task reads must not depend on whether a process
 * boundary happened. JSON alone carries strings, booleans, ints, doubles, lists and maps back as
 * themselves; a Long 5 would come back an Integer, a BigDecimal 1.10 a Double 1.1. So values of
 * the types below are stored as a one-key object naming the type, {"@long": 5}, {"@decimal":
 * "1.10"}, readable in SQL and read back as the same type; a value of any other type (a Set, an
 * array, an enum, a bean) is refused at the save, naming its key and type, instead of coming back
 * as something else in another process.
 */
final class ExtraData {

  private ExtraData() {}

  private record Tag(
      String name, Class<?> type, Function<Object, Object> write, Function<Object, Object> read) {}

  private static final List<Tag> TAGS =
      List.of(
          new Tag("@double", Double.class, Object::toString, v -> Double.valueOf((String) v)),
          new Tag("@long", Long.class, v -> v, v -> ((Number) v).longValue()),
          new Tag("@short", Short.class, v -> v, v -> ((Number) v).shortValue()),
          new Tag("@byte", Byte.class, v -> v, v -> ((Number) v).byteValue()),
          new Tag(
              "@float",
              Float.class,
              v -> ((Float) v).doubleValue(),
              v -> ((Number) v).floatValue()),
          new Tag(
              "@decimal",
              BigDecimal.class,
              v -> ((BigDecimal) v).toString(),
              v -> new BigDecimal((String) v)),
          new Tag("@bigint", BigInteger.class, Object::toString, v -> new BigInteger((String) v)),
          new Tag("@char", Character.class, Object::toString, v -> ((String) v).charAt(0)),
          new Tag("@uuid", UUID.class, Object::toString, v -> UUID.fromString((String) v)),
          new Tag("@instant", Instant.class, Object::toString, v -> Instant.parse((String) v)),
          new Tag("@date", LocalDate.class, Object::toString, v -> LocalDate.parse((String) v)),
          new Tag("@duration", Duration.class, Object::toString, v -> Duration.parse((String) v)));

  private static final Map<Class<?>, Tag> BY_TYPE = new HashMap<>();
  private static final Map<String, Tag> BY_NAME = new HashMap<>();

  static {
    for (Tag tag : TAGS) {
      BY_TYPE.put(tag.type, tag);
      BY_NAME.put(tag.name, tag);
    }
  }

  /** The types extra data keeps, for messages and the README. */
  static final String ALLOWED =
      "String, Boolean, Integer, Long, Short, Byte, Double, Float, BigDecimal, BigInteger,"
          + " Character, UUID, Instant, LocalDate, Duration, null, and Lists and Maps with String"
          + " keys of these";

  /**
   * The extra data as stored: typed values tagged, the rest as they are.
   *
   * @throws StoreException naming the key and the type of a value that would not come back as it is
   */
  static Map<String, Object> encode(Map<String, Object> extra, UUID id) {
    Map<String, Object> encoded = new HashMap<>(extra.size() * 2);
    Function<String, String> subject = path -> "extraData['" + path + "'] of workflow " + id;
    for (Map.Entry<String, Object> entry : extra.entrySet()) {
      encoded.put(entry.getKey(), encode(entry.getValue(), entry.getKey(), subject));
    }
    return encoded;
  }

  /**
   * One value as stored, by the same rules: for an object's property whose declared type says
   * nothing of its values' types (Object, Number, a Map or List of Object).
   *
   * @param subject names the value in an error, given its path (e.g. "extra.items[2]")
   */
  static Object encode(Object value, String path, Function<String, String> subject) {
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Integer) {
      return value;
    }
    if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw refused(path, value, subject, "JSON has no NaN or infinity; store a String");
      }
      // 1.0E20 is written with an exponent, which PostgreSQL's jsonb turns into an integer
      return d.toString().indexOf('E') < 0 ? value : Map.of("@double", d.toString());
    }
    Tag tag = BY_TYPE.get(value.getClass());
    if (tag != null) {
      if (value instanceof Float f && (f.isNaN() || f.isInfinite())) {
        throw refused(path, value, subject, "JSON has no NaN or infinity; store a String");
      }
      return Map.of(tag.name, tag.write.apply(value));
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(encode(list.get(i), path + "[" + i + "]", subject));
      }
      return copy;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw refused(
              path,
              value,
              subject,
              "its key "
                  + entry.getKey()
                  + " is a "
                  + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName())
                  + ", which would come back as a String; use String keys");
        }
        if (map.size() == 1 && BY_NAME.containsKey(key)) {
          throw refused(
              path, value, subject, "a map whose only key is " + key + " stands for a typed value");
        }
        copy.put(key, encode(entry.getValue(), path + "." + key, subject));
      }
      return copy;
    }
    throw refused(path, value, subject, hint(value));
  }

  private static String hint(Object value) {
    if (value instanceof java.util.Set) {
      return "it would come back as a List; store a List";
    }
    if (value.getClass().isArray()) {
      return "it would come back as a List; store a List";
    }
    if (value instanceof Enum<?> e) {
      return "it would come back as a String; store its name() (\"" + e.name() + "\")";
    }
    return "it would come back as a Map or a String; store its fields in a Map, or keep it in the"
        + " workflow's objects, which are read back as their class";
  }

  private static StoreException refused(
      String path, Object value, Function<String, String> subject, String why) {
    return new StoreException(
        subject.apply(path)
            + " is a "
            + value.getClass().getName()
            + ", which cannot be stored as it is: "
            + why
            + ". Values whose type the JSON does not tell can be "
            + ALLOWED);
  }

  /** The extra data as tasks read it: tagged values back to their types. */
  static Map<String, Object> decode(Map<String, Object> stored) {
    if (stored == null) {
      return null;
    }
    Map<String, Object> decoded = new HashMap<>(stored.size() * 2);
    for (Map.Entry<String, Object> entry : stored.entrySet()) {
      decoded.put(entry.getKey(), decode(entry.getValue()));
    }
    return decoded;
  }

  /** One value as read: tagged values back to their types, in lists and maps too. */
  @SuppressWarnings("unchecked")
  static Object decode(Object value) {
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(decode(item));
      }
      return copy;
    }
    if (value instanceof Map<?, ?> map) {
      if (map.size() == 1) {
        Map.Entry<?, ?> only = map.entrySet().iterator().next();
        Tag tag = BY_NAME.get(only.getKey());
        if (tag != null) {
          return tag.read.apply(only.getValue());
        }
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<String, Object> entry : ((Map<String, Object>) map).entrySet()) {
        copy.put(entry.getKey(), decode(entry.getValue()));
      }
      return copy;
    }
    return value;
  }
}
