package dev.flowstate.db;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.List;

/*
 * Object data by the rule extra data follows (ExtraData): a property whose declared type tells
 * Jackson the values' type (long, BigDecimal, List<Long>, a bean) reads back as it is; one declared
 * Object, Number or a Map or List of those would read back a Long 5 as an Integer, a Set as a List.
 * Such properties are written with ExtraData's tags, or refused naming the property, and every
 * value read as a plain Object has its tags read back. Typed properties are untouched: no cost on
 * the objects most workflows have.
 */
final class UntypedValues extends SimpleModule {

  /** Reads untyped values without this module, then reads their tags. */
  private static final ObjectMapper PLAIN = new ObjectMapper();

  UntypedValues() {
    super("flowstate-untyped-values");
    setSerializerModifier(
        new BeanSerializerModifier() {
          @Override
          public List<BeanPropertyWriter> changeProperties(
              SerializationConfig config,
              BeanDescription description,
              List<BeanPropertyWriter> properties) {
            for (BeanPropertyWriter property : properties) {
              if (untyped(property.getType())) {
                property.assignSerializer(new Tagged(property.getName()));
              }
            }
            return properties;
          }
        });
    addDeserializer(Object.class, new Untagged<>(Object.class));
    addDeserializer(Number.class, new Untagged<>(Number.class));
  }

  /** Whether the declared type leaves the type of its values to JSON. */
  static boolean untyped(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (raw == Object.class || raw == Number.class) {
      return true;
    }
    if (type.isContainerType()) {
      return type.getContentType() == null || untyped(type.getContentType());
    }
    return false;
  }

  private static final class Tagged extends StdSerializer<Object> {
    private final String property;

    Tagged(String property) {
      super(Object.class);
      this.property = property;
    }

    @Override
    public void serialize(Object value, JsonGenerator json, SerializerProvider provider)
        throws IOException {
      provider.defaultSerializeValue(
          ExtraData.encode(value, property, path -> "property '" + path + "'"), json);
    }
  }

  private static final class Untagged<T> extends StdDeserializer<T> {
    private final Class<T> type;

    Untagged(Class<T> type) {
      super(type);
      this.type = type;
    }

    @Override
    public T deserialize(JsonParser json, DeserializationContext context) throws IOException {
      Object value = ExtraData.decode(PLAIN.readValue(json, Object.class));
      if (value != null && !type.isInstance(value)) {
        return type.cast(context.handleUnexpectedToken(type, json));
      }
      return type.cast(value);
    }
  }
}
