package dev.flowstate.engine;

import static dev.flowstate.engine.Item.items;
import static dev.flowstate.engine.Item.on;
import static dev.flowstate.engine.Item.rec;
import static dev.flowstate.engine.Item.seen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test (or more) per row of the transition table, SEMANTICS §3–§4. */
class TransitionTableTest {

  private final List<String> events = new ArrayList<>();

  private WorkflowEngine<Item> engine(Flow<Item> flow) {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(flow);
    engine.addListener(
        new EngineListener<>() {
          @Override
          public void started(WorkflowEngine<Item> e) {
            events.add("started");
          }

          @Override
          public void finished(WorkflowEngine<Item> e) {
            events.add("finished");
          }

          @Override
          public void halted(WorkflowEngine<Item> e, HaltProcessing halt) {
            events.add("halted:" + halt.message());
          }

          @Override
          public void error(WorkflowEngine<Item> e, Throwable error) {
            events.add("error:" + error.getMessage());
          }
        });
    return engine;
  }

  @Test
  void normalRun_processesEveryObjectAndEndsOnFirstTask() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine = engine(Flow.of(rec("a"), Flow.of(rec("b"), rec("c"))));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:abc B:abc");
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 0));
    assertThat(engine.hasCompleted()).isTrue();
    assertThat(events).containsExactly("started", "finished");
  }

  @Test
  void halt_rethrowsWithMessageActionPayload_andKeepsPositionOnHaltingTask() {
    List<Item> objects = items("A", "B", "C");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                rec("a"),
                Flow.of(rec("b"), on("B", "c", (o, e) -> e.halt("why", "approve", 42))),
                rec("d")));

    assertThatThrownBy(() -> engine.process(objects))
        .isInstanceOfSatisfying(
            HaltProcessing.class,
            halt -> {
              assertThat(halt.message()).isEqualTo("why");
              assertThat(halt.action()).isEqualTo("approve");
              assertThat(halt.payload()).isEqualTo(42);
              assertThat(halt.getStackTrace()).isEmpty();
            });

    assertThat(seen(objects)).isEqualTo("A:abcd B:abc C:");
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 1, 1));
    assertThat(engine.currentTaskName()).isEqualTo("c");
    assertThat(engine.currentObject()).containsSame(objects.get(1));
    assertThat(engine.hasCompleted()).isFalse();
    assertThat(events).containsExactly("started", "halted:why");
  }

  @Test
  void retryAfter_haltsWithItsDelay_andRestartAtCurrentTaskRunsTheTaskAgain() {
    List<Item> objects = items("A", "B");
    int[] checks = {0};
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                rec("a"),
                Task.named(
                    "check",
                    (o, e) -> {
                      o.seen.add("check");
                      if (o.name.equals("B") && checks[0]++ == 0) {
                        e.retryAfter(java.time.Duration.ofMinutes(10), "no payment yet");
                      }
                    }),
                rec("b")));

    assertThatThrownBy(() -> engine.process(objects))
        .isInstanceOfSatisfying(
            HaltProcessing.class,
            halt -> {
              assertThat(halt.message()).isEqualTo("no payment yet");
              assertThat(halt.retryAfter()).isEqualTo(java.time.Duration.ofMinutes(10));
              assertThat(halt.action()).isNull();
              assertThat(halt)
                  .hasToString("HaltProcessing[message=no payment yet, retryAfter=PT10M]");
            });
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 1));

    engine.restart(RestartPosition.CURRENT, RestartPosition.CURRENT);

    assertThat(seen(objects)).isEqualTo("A:acheckb B:acheckcheckb");
    assertThat(engine.hasCompleted()).isTrue();
  }

  @Test
  void retryAfter_withNegativeOrNoDelay_failsTheTaskNamingTheProblem() {
    for (java.time.Duration delay :
        new java.time.Duration[] {null, java.time.Duration.ofSeconds(-1)}) {
      WorkflowEngine<Item> engine =
          engine(Flow.of(Task.named("check", (o, e) -> e.retryAfter(delay, "later"))));

      assertThatThrownBy(() -> engine.process(items("A")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "retryAfter needs a delay of zero or more, got "
                  + delay
                  + "; e.g. retryAfter(Duration.ofMinutes(10), \"waiting for the payment\")");
    }
  }

  @Test
  void plainHalt_hasNoRetryDelay() {
    WorkflowEngine<Item> engine = engine(Flow.of(on("A", "h", (o, e) -> e.halt("h"))));

    assertThatThrownBy(() -> engine.process(items("A")))
        .isInstanceOfSatisfying(
            HaltProcessing.class, halt -> assertThat(halt.retryAfter()).isNull());
  }

  @Test
  void stop_endsRunLeavesRemainingUntouched_andRunsAfterProcessing() {
    List<Item> objects = items("A", "B", "C");
    WorkflowEngine<Item> engine =
        engine(Flow.of(rec("a"), on("B", "s", (o, e) -> e.stop()), rec("b")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:asb B:as C:");
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 1));
    assertThat(engine.hasCompleted()).isFalse();
    assertThat(events).containsExactly("started", "finished");
  }

  @Test
  void abort_endsRunLikeStop() {
    List<Item> objects = items("A", "B", "C");
    WorkflowEngine<Item> engine =
        engine(Flow.of(rec("a"), on("A", "x", (o, e) -> e.abort()), rec("b")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:ax B: C:");
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1));
    assertThat(events).containsExactly("started", "finished");
  }

  @Test
  void continueNextToken_leavesObjectAndStartsNextAtFirstTask() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine =
        engine(Flow.of(rec("a"), Flow.of(on("A", "c", (o, e) -> e.continueNextToken())), rec("b")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:ac B:acb");
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 0));
    assertThat(engine.hasCompleted()).isTrue();
  }

  @Test
  void skipToken_goesOnWithNextObjectFromItsFirstTask() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(rec("a"), Flow.of(rec("b"), on("A", "s", (o, e) -> e.skipToken())), rec("c")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:abs B:absc");
    assertThat(engine.state()).isEqualTo(EngineState.of(1, 0));
  }

  @Test
  void jumpToken_forwardTwoFromSecondObjectSkipsTheThird() {
    List<Item> objects = items("A", "B", "C", "D");
    WorkflowEngine<Item> engine = engine(Flow.of(on("B", "j", (o, e) -> e.jumpToken(2)), rec("x")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:jx B:j C: D:jx");
    assertThat(engine.hasCompleted()).isTrue();
  }

  @Test
  void jumpToken_backTwoFromFourthObjectGoesBackToSecond() {
    List<Item> objects = items("A", "B", "C", "D");
    boolean[] jumped = {false};
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                on(
                    "D",
                    "j",
                    (o, e) -> {
                      if (!jumped[0]) {
                        jumped[0] = true;
                        e.jumpToken(-2);
                      }
                    }),
                rec("x")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:jx B:jxjx C:jxjx D:jjx");
  }

  @Test
  void jumpToken_zeroRunsCurrentObjectAgainFromFirstTask() {
    List<Item> objects = items("A");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                rec("a"),
                Task.named(
                    "again",
                    (o, e) -> {
                      o.seen.add("j");
                      if (o.seen.size() < 4) {
                        e.jumpToken(0);
                      }
                    })));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:ajaj");
  }

  @Test
  void jumpToken_pastEitherEndIsClamped() {
    List<Item> forward = items("A", "B", "C");
    WorkflowEngine<Item> ahead = engine(Flow.of(on("A", "j", (o, e) -> e.jumpToken(99)), rec("x")));
    ahead.process(forward);
    assertThat(seen(forward)).isEqualTo("A:j B: C:");
    assertThat(ahead.state().tokenPos()).isEqualTo(3);
    assertThat(ahead.currentObject()).isEmpty();
    assertThat(ahead.hasCompleted()).isFalse();

    List<Item> backward = items("A", "B");
    boolean[] jumped = {false};
    WorkflowEngine<Item> behind =
        engine(
            Flow.of(
                on(
                    "B",
                    "j",
                    (o, e) -> {
                      if (!jumped[0]) {
                        jumped[0] = true;
                        e.jumpToken(-99);
                      }
                    })));
    behind.process(backward);
    assertThat(seen(backward)).isEqualTo("A:jj B:jj");
  }

  @Test
  void jumpCall_movesRelativeToTheTaskThatAsked() {
    List<Item> objects = items("A");
    int[] count = {0};
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                rec("a"),
                Task.named(
                    "p",
                    (o, e) -> {
                      o.seen.add("p");
                      e.jumpCall(1); // the next task: a no-op jump
                    }),
                Task.named(
                    "s",
                    (o, e) -> {
                      o.seen.add("s");
                      e.jumpCall(2); // skips one
                    }),
                rec("skipped"),
                Task.named(
                    "z",
                    (o, e) -> {
                      o.seen.add("z");
                      if (++count[0] < 2) {
                        e.jumpCall(0); // this task again
                      }
                    }),
                Task.named(
                    "m",
                    (o, e) -> {
                      o.seen.add("m");
                      if (count[0]++ < 3) {
                        e.jumpCall(-1); // the previous task
                      }
                    })));

    engine.process(objects);

    assertThat(String.join("", objects.get(0).seen)).isEqualTo("apszzmzm");
  }

  @Test
  void jumpCall_pastEitherEndIsClampedToItsBlock() {
    List<Item> objects = items("A");
    boolean[] back = {false};
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                rec("a"),
                Flow.of(
                    rec("b"),
                    Task.named(
                        "f",
                        (o, e) -> {
                          o.seen.add("f");
                          if (!back[0]) {
                            back[0] = true;
                            e.jumpCall(-50); // block starts over
                          }
                          e.jumpCall(50); // block ends
                        }),
                    rec("never")),
                rec("c")));

    engine.process(objects);

    assertThat(String.join("", objects.get(0).seen)).isEqualTo("abfbfc");
  }

  @Test
  void breakCurrentLoop_leavesOnlyTheInnermostBlock() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                rec("a"),
                Flow.of(rec("b"), Flow.of(rec("c"), Patterns0.brk(), rec("never")), rec("d")),
                rec("e")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:abc!de B:abc!de");
  }

  @Test
  void breakCurrentLoop_atTopLevelMovesOnToNextObject() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine =
        engine(Flow.of(rec("a"), on("A", "b", (o, e) -> e.breakCurrentLoop()), rec("c")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:ab B:abc");
    assertThat(engine.hasCompleted()).isTrue();
  }

  @Test
  void uncheckedException_reachesCallerAsItself_withErrorEvent() {
    List<Item> objects = items("A", "B");
    IllegalStateException boom = new IllegalStateException("boom");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                rec("a"),
                Flow.of(
                    on(
                        "B",
                        "x",
                        (o, e) -> {
                          throw boom;
                        }))));

    assertThatThrownBy(() -> engine.process(objects)).isSameAs(boom);

    assertThat(engine.state()).isEqualTo(EngineState.of(1, 1, 0));
    assertThat(events).containsExactly("started", "error:boom");
  }

  @Test
  void checkedException_arrivesWrappedInWorkflowErrorWithObjectIndex() {
    List<Item> objects = items("A", "B");
    IOException io = new IOException("disk");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                on(
                    "B",
                    "io",
                    (o, e) -> {
                      throw io;
                    })));
    engine.setWorkflowId("wf-1");

    assertThatThrownBy(() -> engine.process(objects))
        .isInstanceOfSatisfying(
            WorkflowError.class,
            error -> {
              assertThat(error.getCause()).isSameAs(io);
              assertThat(error.workflowId()).isEqualTo("wf-1");
              assertThat(error.objectIndex()).isEqualTo(1);
              assertThat(error.getMessage())
                  .isEqualTo("task 'io' failed on object 1: java.io.IOException: disk");
            });
  }

  @Test
  void stopOnHaltFalse_abandonsHaltedObjectAndGoesOn() {
    List<Item> objects = items("A", "B", "C");
    WorkflowEngine<Item> engine =
        engine(Flow.of(rec("a"), on("B", "h", (o, e) -> e.halt("h")), rec("b")));

    engine.process(objects, true, false);

    assertThat(seen(objects)).isEqualTo("A:ahb B:ah C:ahb");
    assertThat(engine.hasCompleted()).isTrue();
    assertThat(events).containsExactly("started", "halted:h", "started", "finished");
  }

  @Test
  void stopOnErrorFalse_abandonsObjectOnWorkflowErrorAndGoesOn() {
    List<Item> objects = items("A", "B", "C");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                rec("a"),
                on(
                    "A",
                    "x",
                    (o, e) -> {
                      throw new WorkflowError("bad A");
                    }),
                rec("b")));

    engine.process(objects, false, true);

    assertThat(seen(objects)).isEqualTo("A:ax B:axb C:axb");
    assertThat(engine.hasCompleted()).isTrue();
  }

  @Test
  void stopOnErrorFalse_stillRethrowsPlainRuntimeExceptions() {
    List<Item> objects = items("A", "B");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                on(
                    "A",
                    "x",
                    (o, e) -> {
                      throw new IllegalArgumentException("plain");
                    })));

    assertThatThrownBy(() -> engine.process(objects, false, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("plain");
    assertThat(seen(objects)).isEqualTo("A:x B:");
  }

  @Test
  void transitions_carryNoStackTrace() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));
    List<Runnable> calls =
        List.of(
            engine::stop,
            engine::abort,
            engine::skipToken,
            engine::continueNextToken,
            engine::breakCurrentLoop,
            () -> engine.jumpToken(3),
            () -> engine.jumpCall(-1000),
            () -> engine.halt("x"));
    for (Runnable call : calls) {
      assertThatThrownBy(call::run)
          .isInstanceOf(Transition.class)
          .satisfies(t -> assertThat(t.getStackTrace()).isEmpty());
    }
  }

  @Test
  void customTable_canSwallowHaltsAndObserveEveryRow() {
    List<String> rows = new ArrayList<>();
    TransitionTable<Item> table =
        new TransitionTable<>() {
          @Override
          public Next onHalt(WorkflowEngine<Item> e, Item obj, HaltProcessing halt) {
            rows.add("halt " + obj.name);
            return Next.NEXT_OBJECT;
          }

          @Override
          public Next onSkipToken(WorkflowEngine<Item> e, Item obj) {
            rows.add("skip " + obj.name);
            return Next.NEXT_OBJECT;
          }

          @Override
          public Next onJumpToken(WorkflowEngine<Item> e, Item obj, int offset) {
            rows.add("jump " + obj.name + " " + offset);
            return Next.NEXT_OBJECT;
          }

          @Override
          public Next onError(WorkflowEngine<Item> e, Item obj, Throwable error) {
            rows.add("error " + obj.name + " " + error.getMessage());
            return Next.END_RUN;
          }
        };
    WorkflowEngine<Item> engine = new WorkflowEngine<>(null, table);
    engine.setDefinition(
        Flow.of(
            on("A", "h", (o, e) -> e.halt()),
            on("B", "s", (o, e) -> e.skipToken()),
            on("C", "j", (o, e) -> e.jumpToken(2)),
            on(
                "E",
                "x",
                (o, e) -> {
                  throw new IllegalStateException("x");
                })));
    List<Item> objects = items("A", "B", "C", "D", "E", "F");

    engine.process(objects);

    assertThat(rows).containsExactly("halt A", "skip B", "jump C 2", "error E x");
    assertThat(seen(objects)).isEqualTo("A:h B:hs C:hsj D: E:hsjx F:");
    assertThat(engine.state()).isEqualTo(EngineState.of(4, 3));
  }

  @Test
  void customTable_leavingSkipAndContinueToTheDefaults_goesOnWithTheNextObject() {
    TransitionTable<Item> table =
        new TransitionTable<>() {
          @Override
          public Next onHalt(WorkflowEngine<Item> e, Item obj, HaltProcessing halt) {
            return Next.NEXT_OBJECT;
          }
        };
    WorkflowEngine<Item> engine = new WorkflowEngine<>(null, table);
    engine.setDefinition(
        Flow.of(
            on("A", "s", (o, e) -> e.skipToken()),
            on("B", "c", (o, e) -> e.continueNextToken()),
            rec("r")));
    List<Item> objects = items("A", "B", "C");

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:s B:sc C:scr");
    assertThat(engine.hasCompleted()).isTrue();
  }

  @Test
  void jumpCallOnReturn_andBreakOnReturn_actWhenTheTaskReturns_likeTheirThrowingTwins() {
    List<Item> objects = items("A");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                Flow.of(
                    Task.named(
                        "j",
                        (o, e) -> {
                          e.jumpCallOnReturn(2);
                          o.seen.add("j"); // still runs: nothing was thrown
                        }),
                    rec("skipped"),
                    Task.named(
                        "b",
                        (o, e) -> {
                          e.breakCurrentLoopOnReturn();
                          o.seen.add("b");
                        }),
                    rec("never")),
                rec("after")));

    engine.process(objects);

    assertThat(seen(objects)).isEqualTo("A:jbafter");
  }

  @Test
  void jumpCallOnReturn_replacedByATransitionThrownAfterIt() {
    List<Item> objects = items("A");
    WorkflowEngine<Item> engine =
        engine(
            Flow.of(
                Task.named(
                    "j",
                    (o, e) -> {
                      e.jumpCallOnReturn(5);
                      e.halt("instead");
                    }),
                rec("b")));

    assertThatThrownBy(() -> engine.process(objects)).hasMessage("instead");
    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(seen(objects)).isEqualTo("A:b");
  }

  @Test
  void jumpCallOnReturn_outsideARun_isRefused() {
    WorkflowEngine<Item> engine = new WorkflowEngine<>(Flow.of(rec("a")));

    assertThatThrownBy(() -> engine.jumpCallOnReturn(1))
        .isInstanceOf(WorkflowError.class)
        .hasMessage(
            "jumpCallOnReturn() acts when the calling task returns; call it from a task of a"
                + " running engine");
  }
}
