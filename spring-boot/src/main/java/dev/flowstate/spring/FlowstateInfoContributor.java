package dev.flowstate.spring;

import dev.flowstate.db.Flowstate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Actuator's {@code /info} {@code flowstate} entry: the library's version, the version of the
 * schema's latest migration, and the registered definitions with their fingerprints (what stored
 * workflows are checked against when they load).
 */
public class FlowstateInfoContributor implements InfoContributor {

  private final Flowstate flowstate;

  FlowstateInfoContributor(Flowstate flowstate) {
    this.flowstate = flowstate;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> info = new LinkedHashMap<>();
    String version = Flowstate.class.getPackage().getImplementationVersion();
    info.put("version", version == null ? "unknown" : version);
    try {
      info.put("schemaVersion", flowstate.schemaVersion().orElse("none"));
    } catch (RuntimeException e) {
      info.put("schemaVersion", "unknown: " + e.getMessage());
    }
    info.put("definitions", flowstate.definitions());
    builder.withDetail("flowstate", info);
  }
}
