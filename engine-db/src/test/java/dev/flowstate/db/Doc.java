package dev.flowstate.db;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A Jackson-mappable test object. The property order is the one PostgreSQL's JSONB keeps (shorter
 * keys first), so that stored JSON reads the same on every database.
 */
@JsonPropertyOrder({"n", "name", "seen"})
public class Doc {
  public String name;
  public int n;
  public List<String> seen = new ArrayList<>();

  /** Null but in tests that need an object Jackson cannot write or one that is too big. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public Object extra;

  public Doc() {}

  public Doc(String name, int n) {
    this.name = name;
    this.n = n;
  }

  static List<Doc> docs(String... names) {
    List<Doc> docs = new ArrayList<>();
    for (String name : names) {
      docs.add(new Doc(name, 0));
    }
    return docs;
  }
}
