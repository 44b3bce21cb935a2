package dev.flowstate.engine;

import static dev.flowstate.engine.Item.items;
import static dev.flowstate.engine.Item.on;
import static dev.flowstate.engine.Item.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
  void afterEachCallback_isToldWhatTheTaskThrew_nullForAReturnOrAJump() {
    List<String> seen = new ArrayList<>();
    EngineHooks<Item> hooks =
        new EngineHooks<>() {
          @Override
          public void afterEachCallback(
              WorkflowEngine<Item> e, Task<Item> task, Item obj, Throwable thrown) {
            seen.add(
                task.name() + " " + (thrown == null ? "-" : thrown.getClass().getSimpleName()));
          }
        };
    WorkflowEngine<Item> engine = new WorkflowEngine<>(hooks, null);
    engine.setDefinition(
        Flow.of(
            rec("a"),
            on("A", "j", (o, e) -> e.jumpCall(2)),
            rec("skipped"),
            on(
                "A",
                "x",
                (o, e) -> {
                  throw new IllegalStateException("bad");
                })));

    assertThatThrownBy(() -> engine.process(items("A"))).hasMessage("bad");
    engine.setDefinition(Flow.of(on("A", "h", (o, e) -> e.halt("stop"))));
    assertThatThrownBy(() -> engine.process(items("A"))).isInstanceOf(HaltProcessing.class);

    assertThat(seen).containsExactly("a -", "j -", "x IllegalStateException", "h HaltProcessing");
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
    engine.setDefinition(
        Flow.of(
            on(
                "A",
                "x",
                (o, e) -> {
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

  /**
   * Issue 8, defect 1: beforeObject, the definition's choice and afterObject ran outside the loop's
   * try, so their exceptions skipped the error path (no error event, no onError, so a persistent
   * engine left its rows RUNNING). Each hook around an object now fails that object.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"beforeObject", "chooser", "beforeCallbacks", "afterCallbacks", "afterObject"})
  void hookThrowingAroundAnObject_failsThatObjectThroughOnErrorAndTheErrorEvent(String where) {
    List<String> errors = new ArrayList<>();
    EngineHooks<Item> failing =
        new EngineHooks<>() {
          private void fail(String hook, Item obj) {
            if (hook.equals(where) && obj.name.equals("B")) {
              throw new IllegalStateException(hook + " failed");
            }
          }

          @Override
          public void beforeObject(WorkflowEngine<Item> e, Item obj) {
            fail("beforeObject", obj);
          }

          @Override
          public void beforeCallbacks(WorkflowEngine<Item> e, Item obj) {
            fail("beforeCallbacks", obj);
          }

          @Override
          public void afterCallbacks(WorkflowEngine<Item> e, Item obj) {
            fail("afterCallbacks", obj);
          }

          @Override
          public void afterObject(WorkflowEngine<Item> e, Item obj) {
            fail("afterObject", obj);
          }
        };
    TransitionTable<Item> table =
        new TransitionTable<>() {
          @Override
          public Next onError(WorkflowEngine<Item> e, Item obj, Throwable error) {
            errors.add(
                "onError " + obj.name + " at " + e.state().tokenPos() + ": " + error.getMessage());
            return Next.NEXT_OBJECT;
          }
        };
    WorkflowEngine<Item> engine = new WorkflowEngine<>(failing, table);
    engine.setDefinition(Flow.of(rec("a")));
    engine.setCallbackChooser(
        obj -> {
          if (where.equals("chooser") && obj.name.equals("B")) {
            throw new IllegalStateException("chooser failed");
          }
          return WorkflowEngine.DEFAULT_KEY;
        });
    engine.addListener(recordingListener);
    List<Item> objects = items("A", "B", "C");

    engine.process(objects);

    assertThat(errors).containsExactly("onError B at 1: " + where + " failed");
    assertThat(log)
        .containsExactly("event started", "event error " + where + " failed", "event finished");
    assertThat(Item.seen(objects))
        .isEqualTo(
            where.equals("beforeObject")
                    || where.equals("chooser")
                    || where.equals("beforeCallbacks")
                ? "A:a B: C:a"
                : "A:a B:a C:a");
  }

  @Test
  void hookThrowingInBeforeOrAfterProcessing_emitsErrorAndReachesTheCallerAsItself() {
    for (String where : List.of("beforeProcessing", "afterProcessing")) {
      log.clear();
      EngineHooks<Item> failing =
          new EngineHooks<>() {
            @Override
            public void beforeProcessing(WorkflowEngine<Item> e, List<? extends Item> objects) {
              if (where.equals("beforeProcessing")) {
                throw new IllegalStateException("could not start");
              }
            }

            @Override
            public void afterProcessing(WorkflowEngine<Item> e, List<? extends Item> objects) {
              if (where.equals("afterProcessing")) {
                throw new IllegalStateException("could not end");
              }
            }
          };
      WorkflowEngine<Item> engine = new WorkflowEngine<>(failing, null);
      engine.setDefinition(Flow.of(rec("a")));
      engine.addListener(recordingListener);
      List<Item> objects = items("A");

      String message = where.equals("beforeProcessing") ? "could not start" : "could not end";
      assertThatThrownBy(() -> engine.process(objects))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(message);

      assertThat(log).containsExactly("event started", "event error " + message);
      assertThat(engine.hasCompleted()).isFalse();
      assertThat(engine.isRunning()).isFalse();
      assertThat(Item.seen(objects)).isEqualTo(where.equals("beforeProcessing") ? "A:" : "A:a");
    }
  }

  @Test
  void restartRefusedByBeforeProcessing_movesNothing_andKeepsTheObjects() {
    boolean[] refuse = {false};
    EngineHooks<Item> refusing =
        new EngineHooks<>() {
          @Override
          public void beforeProcessing(WorkflowEngine<Item> e, List<? extends Item> objects) {
            if (refuse[0]) {
              throw new IllegalStateException("refused");
            }
          }
        };
    WorkflowEngine<Item> engine = new WorkflowEngine<>(refusing, null);
    engine.setDefinition(Flow.of(rec("a"), on("B", "h", (o, e) -> e.halt("stop")), rec("b")));
    List<Item> objects = items("A", "B", "C");
    assertThatThrownBy(() -> engine.process(objects)).isInstanceOf(HaltProcessing.class);
    refuse[0] = true;

    assertThatThrownBy(
            () -> engine.restart(RestartPosition.NEXT, RestartPosition.FIRST, items("X")))
        .hasMessage("refused");

    assertThat(engine.state()).isEqualTo(new EngineState(1, List.of(1)));
    assertThat(engine.objects()).isEqualTo(objects);
    refuse[0] = false;
    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);
    assertThat(Item.seen(objects)).isEqualTo("A:ahb B:ahb C:ahb");
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
