package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Patterns.*;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** runWorkflow: {@link Patterns} delegates here. */
final class SubWorkflows {

  private SubWorkflows() {}

  @SuppressWarnings("unchecked")
  static <T, C> Task<T> runWorkflow(
      Flow<C> definition,
      Value<T, ? extends List<? extends C>> dataConnector,
      String outKey,
      boolean reinit) {
    if (definition == null || dataConnector == null || outKey == null) {
      throw new DefinitionError(
          "runWorkflow needs a definition, a data connector and an output key, got "
              + definition
              + ", "
              + dataConnector
              + ", "
              + outKey);
    }
    return Task.named(
        "runWorkflow(" + outKey + ")",
        definition.signature() + " over " + describe(dataConnector) + (reinit ? ", reinit" : ""),
        (obj, engine) -> {
          // the parent keeps the child's extra data, never the live child: extraData is data
          // (SEMANTICS §6), so a parent stored and resumed in another process behaves the same
          Object kept = engine.extraData().get(outKey);
          WorkflowEngine<C> child = new WorkflowEngine<>(definition);
          if (!reinit && kept instanceof Map<?, ?> childData) {
            for (Map.Entry<?, ?> entry : childData.entrySet()) {
              child.extraData().put(String.valueOf(entry.getKey()), entry.getValue());
            }
          }
          try {
            child.process(dataConnector.get(obj, engine));
          } finally {
            engine.extraData().put(outKey, new LinkedHashMap<>(child.extraData()));
          }
        });
  }
}
