package dev.flowstate.engine;

import static dev.flowstate.engine.Item.items;
import static dev.flowstate.engine.Item.on;
import static dev.flowstate.engine.Item.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of hooks and listener events, and what happens when they throw. */
class ListenersAndHooksTest {

  private final List<String> log = new ArrayList<>();

  private final EngineHooks<Item> recordingHooks =
      new EngineHooks<>() {
        @Override
        public void beforeProcessing(WorkflowEngine<Item> e, List<? extends Item> objects) {
          log.add("beforeProcessing");
        }

        @Override
        public void afterProcessing(WorkflowEngine<Item> e, List<? extends Item> objects) {
          log.add("afterProcessing completed=" + e.hasCompleted());
        }

        @Override
        public void beforeObject(WorkflowEngine<Item> e, Item obj) {
          log.add("beforeObject " + obj.name + " at " + e.state().tokenPos());
        }

        @Override
        public void afterObject(WorkflowEngine<Item> e, Item obj) {
          log.add("afterObject " + obj.name);
        }

        @Override
        public void beforeCallbacks(WorkflowEngine<Item> e, Item obj) {
          log.add("beforeCallbacks " + obj.name);
        }

        @Override
        public void afterCallbacks(WorkflowEngine<Item> e, Item obj) {
          log.add("afterCallbacks " + obj.name);
        }

        @Override
        public void beforeEachCallback(WorkflowEngine<Item> e, Task<Item> task, Item obj) {
          log.add("before " + task.name());
        }

        @Override
        public void afterEachCallback(WorkflowEngine<Item> e, Task<Item> task, Item obj) {
          log.add("after " + task.name());
        }
      };

  private final EngineListener<Item> recordingListener =
      new EngineListener<>() {
        @Override
        public void started(WorkflowEngine<Item> e) {
          log.add("event started");
        }

        @Override
        public void finished(WorkflowEngine<Item> e) {
          log.add("event finished");
        }

        @Override
        public void halted(WorkflowEngine<Item> e, HaltProcessing halt) {
          log.add("event halted " + halt.message() + " at " + e.state());
        }

        @Override
        public void error(WorkflowEngine<Item> e, Throwable error) {
          log.add("event error " + error.getMessage());
        }
      };

  @Test
  void normalRun_callsHooksAndEventsInLoopOrder() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(recordingHooks, null);
    engine.setDefinition(Flow.of(rec("a"), Flow.of(rec("b"))));
    engine.addListener(recordingListener);

    engine.process(items("A", "B"));

    assertThat(log)
        .containsExactly(
            "event started",
            "beforeProcessing",
            "beforeObject A at 0",
            "beforeCallbacks A",
            "before a",
            "after a",
            "before b",
            "after b",
            "afterCallbacks A",
            "afterObject A",
            "beforeObject B at 1",
            "beforeCallbacks B",
            "before a",
            "after a",
            "before b",
            "after b",
            "afterCallbacks B",
            "afterObject B",
            "afterProcessing completed=true",
            "event finished");
  }

  @Test
  void halt_runsAfterHooksButNotAfterObjectOrAfterProcessing() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(recordingHooks, null);
    engine.setDefinition(Flow.of(on("A", "h", (o, e) -> e.halt("stop"))));
    engine.addListener(recordingListener);

    assertThatThrownBy(() -> engine.process(items("A"))).isInstanceOf(HaltProcessing.class);

    assertThat(log)
        .containsExactly(
            "event started",
            "beforeProcessing",
            "beforeObject A at 0",
            "beforeCallbacks A",
            "before h",
            "after h",
            "afterCallbacks A",
            "event halted stop at EngineState[tokenPos=0, callbackPos=[0]]");
  }

  @Test
  void error_emitsErrorEventAfterTheAfterHooks() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(recordingHooks, null);
    engine.setDefinition(Flow.of(on("A", "x", (o, e) -> {
      throw new IllegalStateException("bad");
    })));
    engine.addListener(recordingListener);

    assertThatThrownBy(() -> engine.process(items("A"))).hasMessage("bad");

    assertThat(log).endsWith("after x", "afterCallbacks A", "event error bad");
  }

  @Test
  void throwingListener_isLoggedAndTheRunGoesOn_andLaterListenersStillHear() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));
    engine.addListener(
        new EngineListener<>() {
          @Override
          public void started(WorkflowEngine<Item> e) {
            throw new IllegalStateException("listener bug");
          }
        });
    engine.addListener(recordingListener);

    engine.process(objects);

    assertThat(engine.hasCompleted()).isTrue();
    assertThat(log).containsExactly("event started", "event finished");
  }

  @Test
  void throwingHook_failsTheRun() {
    EngineHooks<Item> failing =
        new EngineHooks<>() {
          @Override
          public void afterObject(WorkflowEngine<Item> e, Item obj) {
            throw new IllegalStateException("save failed");
          }
        };
    WorkflowEngine<Item> engine = new WorkflowEngine<>(failing, null);
    engine.setDefinition(Flow.of(rec("a")));

    assertThatThrownBy(() -> engine.process(items("A", "B"))).hasMessage("save failed");
    assertThat(engine.hasCompleted()).isFalse();
  }

  @Test
  void removedListener_hearsNothingMore() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));
    engine.addListener(recordingListener);
    engine.process(items("A"));

    assertThat(engine.removeListener(recordingListener)).isTrue();
    engine.process(items("A"));

    assertThat(log).containsExactly("event started", "event finished");
    assertThat(engine.removeListener(recordingListener)).isFalse();
  }

  @Test
  void hookSkippingAnObject_isHandledLikeATasksSkip() {
    EngineHooks<Item> skipper =
        new EngineHooks<>() {
          @Override
          public void beforeCallbacks(WorkflowEngine<Item> e, Item obj) {
            if (obj.name.equals("A")) {
              e.skipToken();
            }
          }
        };
    WorkflowEngine<Item> engine = new WorkflowEngine<>(skipper, null);
    engine.setDefinition(Flow.of(rec("a")));
    List<Item> objects = items("A", "B");

    engine.process(objects);

    assertThat(Item.seen(objects)).isEqualTo("A: B:a");
  }
}
