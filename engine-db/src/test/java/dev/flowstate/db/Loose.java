package dev.flowstate.db;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A test object with properties whose declared types leave their values' types open. */
@JsonPropertyOrder({"name", "count", "value", "amount", "attributes", "items"})
public class Loose {
  public String name;
  public long count;
  public Object value;
  public Number amount;
  public Map<String, Object> attributes = new LinkedHashMap<>();
  public List<Object> items = new ArrayList<>();

  public Loose() {}

  Loose(String name) {
    this.name = name;
  }
}
