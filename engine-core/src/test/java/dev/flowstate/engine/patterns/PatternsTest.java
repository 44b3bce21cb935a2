package dev.flowstate.engine.patterns;

import static dev.flowstate.engine.patterns.Doc.inc;
import static dev.flowstate.engine.patterns.Doc.rec;
import static dev.flowstate.engine.patterns.Patterns.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstate.engine.DefinitionError;
import dev.flowstate.engine.EngineState;
import dev.flowstate.engine.Flow;
import dev.flowstate.engine.HaltProcessing;
import dev.flowstate.engine.RestartPosition;
import dev.flowstate.engine.Task;
import dev.flowstate.engine.WorkflowEngine;
import dev.flowstate.engine.WorkflowError;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PatternsTest {

  private static Task<Doc> haltOnce(String label) {
    return Task.named(
        label,
        (o, e) -> {
          o.seen.add(label);
          if (o.seen.stream().filter(label::equals).count() == 1) {
            e.halt("halt " + label);
          }
        });
  }

  private static WorkflowEngine<Doc> run(Flow<Doc> flow, Doc... docs) {
    WorkflowEngine<Doc> engine = new WorkflowEngine<>(flow);
    engine.process(List.of(docs));
    return engine;
  }

  private static WorkflowEngine<Doc> runUntilHalt(Flow<Doc> flow, Doc... docs) {
    WorkflowEngine<Doc> engine = new WorkflowEngine<>(flow);
    assertThatThrownBy(() -> engine.process(List.of(docs))).isInstanceOf(HaltProcessing.class);
    return engine;
  }

  // ------------------------------------------------------------------ if

  @Test
  void ifThen_runsBranchOnlyWhenConditionHolds() {
    Flow<Doc> flow = Flow.of(ifThen((o, e) -> o.n > 0, rec("yes")), rec("end"));
    Doc positive = new Doc("p", 1);
    Doc zero = new Doc("z", 0);

    run(flow, positive, zero);

    assertThat(positive.log()).isEqualTo("yes,end");
    assertThat(zero.log()).isEqualTo("end");
    assertThat(flow.get(0))
        .isInstanceOfSatisfying(Flow.class, f -> assertThat(f.size()).isEqualTo(2));
  }

  @Test
  void ifNot_runsBranchOnlyWhenConditionFails() {
    Doc positive = new Doc("p", 1);
    Doc zero = new Doc("z", 0);

    run(Flow.of(ifNot((o, e) -> o.n > 0, rec("no"))), positive, zero);

    assertThat(positive.log()).isEmpty();
    assertThat(zero.log()).isEqualTo("no");
  }

  @Test
  void ifThen_haltInsideBranch_resumesInsideIt() {
    Flow<Doc> flow =
        Flow.of(ifThen((o, e) -> true, Flow.of(rec("a"), haltOnce("h"), rec("b"))), rec("end"));
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> engine = runUntilHalt(flow, doc);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 0, 1, 1));

    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(doc.log()).isEqualTo("a,h,b,end");
  }

  @Test
  void ifElse_hasTheReferenceShape_andRunsExactlyOneBranch() {
    Flow<Doc> block = ifElse((o, e) -> o.n > 0, rec("then"), rec("else"));
    Doc positive = new Doc("p", 1);
    Doc zero = new Doc("z", 0);

    run(Flow.of(block, rec("end")), positive, zero);

    assertThat(block.toString()).isEqualTo("[ifElse, then, breakLoop, else]");
    assertThat(positive.log()).isEqualTo("then,end");
    assertThat(zero.log()).isEqualTo("else,end");
  }

  @Test
  void ifElse_haltInElseBranch_resumesInsideTheElseBranch() {
    Flow<Doc> flow =
        Flow.of(
            ifElse((o, e) -> false, rec("then"), Flow.of(haltOnce("h"), rec("e2"))), rec("end"));
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> engine = runUntilHalt(flow, doc);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 0, 3, 0));

    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(doc.log()).isEqualTo("h,e2,end");
  }

  @Test
  void ifElse_missingBranch_isADefinitionError() {
    assertThatThrownBy(() -> ifElse((Doc o, WorkflowEngine<Doc> e) -> true, rec("a"), null))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("ifElse else-branch is null; pass a task or a flow (Flow.empty() for nothing)");
  }

  // ------------------------------------------------------------------ while

  @Test
  void whileLoop_splicesBodyAndRepeatsWhileConditionHolds() {
    Flow<Doc> loop = whileLoop((o, e) -> o.n < 3, inc(), rec("i"));
    Doc doc = new Doc("d");

    run(Flow.of(loop, rec("end")), doc);

    assertThat(loop.toString()).isEqualTo("[whileLoop, inc, i, jumpBack]");
    assertThat(doc.n).isEqualTo(3);
    assertThat(doc.log()).isEqualTo("i,i,i,end");
  }

  @Test
  void whileLoop_keepsAFlowInItsBodyAsOneNestedBlock() {
    assertThat(
            whileLoop((Doc o, WorkflowEngine<Doc> e) -> false, Flow.of(inc(), rec("x"))).toString())
        .isEqualTo("[whileLoop, [inc, x], jumpBack]");
  }

  @Test
  void whileLoop_haltInBody_resumesInsideAndKeepsLooping() {
    Flow<Doc> flow =
        Flow.of(
            whileLoop(
                (o, e) -> o.n < 3,
                inc(),
                Task.named(
                    "h",
                    (o, e) -> {
                      o.seen.add("h" + o.n);
                      if (o.n == 2 && o.seen.size() == 2) {
                        e.halt("mid-loop");
                      }
                    })),
            rec("end"));
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> engine = runUntilHalt(flow, doc);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 0, 2));

    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(doc.log()).isEqualTo("h1,h2,h3,end");
  }

  // ------------------------------------------------------------------ for

  /** Records extraData "x"; halts the first time it sees "b". */
  private static Task<Doc> recordItemAndHaltOnceAtB() {
    return Task.named(
        "body",
        (o, e) -> {
          Object item = e.extraData().get("x");
          o.seen.add("" + item);
          if ("b".equals(item) && !o.seen.contains("halted")) {
            o.seen.add("halted");
            e.halt("at b");
          }
        });
  }

  @Test
  void forEach_iteratesAscending_andLeavesLastItemUnderKey() {
    List<Object> items = new ArrayList<>();
    Flow<Doc> flow =
        Flow.of(
            forEach(
                List.of("a", "b", "c"),
                "item",
                Task.named("add", (o, e) -> items.add(e.extraData().get("item")))));

    WorkflowEngine<Doc> engine = run(flow, new Doc("d"));

    assertThat(items).containsExactly("a", "b", "c");
    assertThat(engine.extraData()).containsOnly(Map.entry("item", "c"));
  }

  @Test
  void forEach_descending_iteratesFromTheEnd_andLeavesTheFirstItem() {
    List<Object> items = new ArrayList<>();
    Flow<Doc> flow =
        Flow.of(
            forEach(
                Items.<Doc>of(List.of(1, 2, 3)).descending(),
                "i",
                Task.named("add", (o, e) -> items.add(e.extraData().get("i")))));

    WorkflowEngine<Doc> engine = run(flow, new Doc("d"));

    assertThat(items).containsExactly(3, 2, 1);
    assertThat(engine.extraData()).containsOnly(Map.entry("i", 1));
  }

  @Test
  void forEach_supplierIsCalledOncePerLoopStart_forEachObject() {
    AtomicInteger calls = new AtomicInteger();
    Doc a = new Doc("a", 2);
    Doc b = new Doc("b", 3);
    Flow<Doc> flow =
        Flow.of(
            forEach(
                (o, e) -> {
                  calls.incrementAndGet();
                  List<Integer> list = new ArrayList<>();
                  for (int i = 0; i < o.n; i++) {
                    list.add(i);
                  }
                  return list;
                },
                "i",
                Task.named("rec", (o, e) -> o.seen.add("" + e.extraData().get("i")))));

    run(flow, a, b);

    assertThat(calls.get()).isEqualTo(2);
    assertThat(a.log()).isEqualTo("0,1");
    assertThat(b.log()).isEqualTo("0,1,2");
  }

  @Test
  void forEach_emptyList_runsNoIteration_andLeavesKeyUntouched() {
    Flow<Doc> flow =
        Flow.of(engSet("item", "before"), forEach(List.of(), "item", rec("never")), rec("end"));
    Doc doc = new Doc("d");

    WorkflowEngine<Doc> engine = run(flow, doc);

    assertThat(doc.log()).isEqualTo("end");
    assertThat(engine.extraData()).containsOnly(Map.entry("item", "before"));
  }

  @Test
  void forEach_haltInBody_resumesWithTheNextItemNotTheSameOne() {
    Task<Doc> body = recordItemAndHaltOnceAtB();
    Flow<Doc> flow = Flow.of(rec("start"), forEach(List.of("a", "b", "c"), "x", body), rec("end"));
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> engine = runUntilHalt(flow, doc);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1, 1));
    assertThat(engine.extraData()).containsKey("_for[1, 0]");

    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(doc.log()).isEqualTo("start,a,b,halted,c,end");
    assertThat(engine.extraData()).containsOnly(Map.entry("x", "c"));
  }

  @Test
  void forEach_haltedLoopRestartedFromFirstTask_startsTheLoopOver() {
    Task<Doc> body = recordItemAndHaltOnceAtB();
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> engine =
        runUntilHalt(Flow.of(forEach(List.of("a", "b", "c"), "x", body)), doc);

    engine.restart(RestartPosition.CURRENT, RestartPosition.FIRST);

    assertThat(doc.log()).isEqualTo("a,b,halted,a,b,c");
  }

  @Test
  void forEach_nestedLoops_eachKeepTheirOwnState() {
    List<String> pairs = new ArrayList<>();
    Flow<Doc> flow =
        Flow.of(
            forEach(
                List.of(1, 2),
                "outer",
                forEach(
                    List.of("x", "y"),
                    "inner",
                    Task.named(
                        "pair",
                        (o, e) ->
                            pairs.add(
                                e.extraData().get("outer") + "" + e.extraData().get("inner"))))));

    run(flow, new Doc("d"));

    assertThat(pairs).containsExactly("1x", "1y", "2x", "2y");
  }

  @Test
  void forEach_liveListSeesChanges_snapshotDoesNot() {
    List<String> live = new ArrayList<>(List.of("a", "b"));
    List<String> seenLive = new ArrayList<>();
    run(
        Flow.of(
            forEach(
                live,
                "i",
                Task.named(
                    "grow",
                    (o, e) -> {
                      seenLive.add((String) e.extraData().get("i"));
                      if (live.size() < 3) {
                        live.add("c");
                      }
                    }))),
        new Doc("d"));
    assertThat(seenLive).containsExactly("a", "b", "c");

    List<String> source = new ArrayList<>(List.of("a", "b"));
    List<String> seenSnapshot = new ArrayList<>();
    run(
        Flow.of(
            forEach(
                Items.<Doc>of(source).snapshot(),
                "i",
                Task.named(
                    "grow",
                    (o, e) -> {
                      seenSnapshot.add((String) e.extraData().get("i"));
                      source.add("z");
                    }))),
        new Doc("d"));
    assertThat(seenSnapshot).containsExactly("a", "b");
  }

  // ------------------------------------------------------------------ cmp

  @Test
  void cmp_supportsEveryOperator_andComputedOperands() throws Exception {
    WorkflowEngine<Doc> engine = new WorkflowEngine<>(Flow.of(rec("x")));
    Doc doc = new Doc("d", 5);
    Value<Doc, Integer> n = (o, e) -> o.n;
    Object[][] cases = {
      {n, 5, "eq", true},
      {n, 5L, "==", true},
      {n, 4, "gt", true},
      {n, 5, ">", false},
      {n, 5, "gte", true},
      {n, 6.5, ">=", false},
      {n, 6, "lt", true},
      {n, 5, "<", false},
      {n, 5, "lte", true},
      {n, 4, "<=", false},
      {List.of(1, 5), n, "in", true},
      {List.of(1, 4), n, "in", false},
      {"abc", "b", "in", true},
      {"abc", "d", "in", false},
      {Map.of("k", 1), "k", "in", true},
      {Map.of("k", 1), "j", "in", false},
      {new int[0], n, "in", false},
      {n, 6, "eq", false},
      {n, 6L, "==", false},
      {"apple", "banana", "<", true},
      {null, null, "eq", true}
    };
    for (Object[] c : cases) {
      assertThat(Patterns.<Doc>cmp(c[0], c[1], (String) c[2]).test(doc, engine))
          .as("%s %s %s", c[0], c[2], c[1])
          .isEqualTo(c[3]);
    }
  }

  /**
   * Issue 8, defect 14: {@code cmp(a, b, "in")} tested a ∈ b; the reference's CMP tests {@code b in
   * a}, so a definition ported from it checked the opposite.
   */
  @Test
  void cmp_in_testsWhetherTheRightHandValueIsInTheLeftHandOne_asTheReference() throws Exception {
    WorkflowEngine<Doc> engine = new WorkflowEngine<>(Flow.of(rec("x")));
    Doc doc = new Doc("d", 5);
    Value<Doc, List<String>> tags = (o, e) -> List.of("urgent", "paid");

    assertThat(Patterns.<Doc>cmp(tags, "paid", "in").test(doc, engine)).isTrue();
    assertThat(Patterns.<Doc>cmp("paid", tags, "in").test(doc, engine)).isFalse();
  }

  @Test
  void cmp_in_withNoContainerOnTheLeft_saysWhatItNeeds() {
    WorkflowEngine<Doc> engine = new WorkflowEngine<>(Flow.of(rec("x")));
    assertThatThrownBy(() -> Patterns.<Doc>cmp(5, List.of(5), "in").test(new Doc("d", 5), engine))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cmp 'in' needs a collection, map, array or string on the left (it tests whether"
                + " the right-hand value is in it), got 5");
  }

  @Test
  void cmp_unknownOperator_namesItAndTheKnownOnes() {
    assertThatThrownBy(() -> cmp(1, 2, "~"))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("unknown comparison operator '~'; use one of eq gt gte lt lte in == > >= < <=");
  }

  @Test
  void cmp_drivesIfElseLikeTheReferenceExample() {
    Doc small = new Doc("s", 1);
    Doc big = new Doc("b", 10);

    run(
        Flow.of(ifElse(cmp((Value<Doc, Integer>) (o, e) -> o.n, 5, "<"), rec("small"), rec("big"))),
        small,
        big);

    assertThat(small.log()).isEqualTo("small");
    assertThat(big.log()).isEqualTo("big");
  }

  // ------------------------------------------------------------------ one-task wrappers

  @Test
  void controlWrappers_doWhatTheirEngineMethodsDo() {
    Doc a = new Doc("a");
    Doc b = new Doc("b");
    Doc c = new Doc("c");
    Doc d = new Doc("d");

    run(
        Flow.of(
            rec("1"),
            taskJumpFwd(2),
            rec("skipped"),
            taskJumpIf((o, e) -> o.name.equals("a"), 2),
            objJumpFwd(2),
            rec("2"),
            Flow.of(breakLoop(), rec("never")),
            objNext(),
            rec("never")),
        a,
        b,
        c,
        d);

    // a jumps two tasks, b and c and d jump two objects (c is skipped)
    assertThat(a.log()).isEqualTo("1,2");
    assertThat(b.log()).isEqualTo("1");
    assertThat(c.log()).isEmpty();
    assertThat(d.log()).isEqualTo("1");
  }

  @Test
  void objJumpBwd_andTaskJumpBwd_goBack() {
    Doc a = new Doc("a");
    Doc b = new Doc("b");
    AtomicInteger back = new AtomicInteger();

    run(
        Flow.of(
            rec("x"),
            Task.named("count", (o, e) -> o.n++),
            taskJumpIf((o, e) -> o.n < 2, -2),
            ifThen((o, e) -> o.name.equals("b") && back.getAndIncrement() == 0, objJumpBwd(1))),
        a,
        b);

    assertThat(a.log()).isEqualTo("x,x,x");
    // b jumped back to a once: a ran a third time, then b again from its first task
    assertThat(b.log()).isEqualTo("x,x,x");
    assertThat(a.n).isEqualTo(3);
  }

  @Test
  void taskJumpBwd_jumpsBackIgnoringTheSign() {
    Doc doc = new Doc("d");
    run(Flow.of(inc(), taskJumpIf((o, e) -> o.n >= 3, 2), taskJumpBwd(-2), rec("done")), doc);
    assertThat(doc.n).isEqualTo(3);
    assertThat(doc.log()).isEqualTo("done");
  }

  @Test
  void halt_withoutAMessage_haltsAtItsTask_withAnEmptyMessage() {
    WorkflowEngine<Doc> engine = new WorkflowEngine<>(Flow.of(rec("x"), halt(), rec("y")));
    Doc doc = new Doc("d");

    assertThatThrownBy(() -> engine.process(List.of(doc)))
        .isInstanceOfSatisfying(HaltProcessing.class, halt -> assertThat(halt.message()).isEmpty());
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1));
    assertThat(doc.log()).isEqualTo("x");
  }

  @Test
  void haltAndStopWrappers_haltAndStop() {
    Doc a = new Doc("a");
    WorkflowEngine<Doc> halted = runUntilHalt(Flow.of(rec("x"), halt("wait")), a);
    assertThat(halted.state()).isEqualTo(EngineState.of(0, 1));

    Doc b = new Doc("b");
    Doc c = new Doc("c");
    WorkflowEngine<Doc> stopped = run(Flow.of(rec("x"), stop(), rec("y")), b, c);
    assertThat(b.log()).isEqualTo("x");
    assertThat(c.log()).isEmpty();
    assertThat(stopped.hasCompleted()).isFalse();
  }

  @Test
  void jumpWrappers_refuseNegativeForwardSteps() {
    assertThatThrownBy(() -> taskJumpFwd(-1))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("taskJumpFwd needs a step of 0 or more, got -1; use taskJumpBwd to go back");
    assertThatThrownBy(() -> objJumpFwd(-3))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("objJumpFwd needs a step of 0 or more, got -3; use objJumpBwd to go back");
  }

  // ------------------------------------------------------------------ choice, merge

  @Test
  void choice_putsKthBranchAtIndex2kMinus1_andDispatchesByValue() {
    Flow<Doc> block =
        choice(
            (o, e) -> o.name,
            when("a", rec("A")),
            when("b", Flow.of(rec("B1"), rec("B2"))),
            when("c", rec("C")));
    Doc a = new Doc("a");
    Doc b = new Doc("b");
    Doc c = new Doc("c");

    run(Flow.of(block, rec("end")), a, b, c);

    assertThat(block.toString())
        .isEqualTo("[choice, A, breakLoop, [B1, B2], breakLoop, C, breakLoop]");
    assertThat(a.log()).isEqualTo("A,end");
    assertThat(b.log()).isEqualTo("B1,B2,end");
    assertThat(c.log()).isEqualTo("C,end");
  }

  @Test
  void choice_valueWithoutBranch_failsNamingIt() {
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(
            Flow.of(choice((o, e) -> o.n, when(1, rec("one")), when(2, rec("two")))));

    assertThatThrownBy(() -> engine.process(List.of(new Doc("d", 7))))
        .isInstanceOf(WorkflowError.class)
        .hasMessage("choice has no branch for the value '7'; known values: [1, 2]");
  }

  @Test
  void choice_duplicateValue_isADefinitionError() {
    assertThatThrownBy(
            () -> choice((Doc o, WorkflowEngine<Doc> e) -> 1, when(1, rec("a")), when(1, rec("b"))))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("choice has two branches for the value '1'");
  }

  @Test
  void choice_haltInsideBranch_resumesInsideIt() {
    Doc doc = new Doc("b");
    WorkflowEngine<Doc> engine =
        runUntilHalt(
            Flow.of(
                choice(
                    (o, e) -> o.name,
                    when("a", rec("A")),
                    when("b", Flow.of(haltOnce("h"), rec("B2"))))),
            doc);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 0, 3, 0));

    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(doc.log()).isEqualTo("h,B2");
  }

  @Test
  void simpleMerge_runsFirstBranchThenLast() {
    Flow<Doc> block = simpleMerge(rec("b1"), rec("b2"), rec("b3"), rec("last"));
    Doc doc = new Doc("d");

    run(Flow.of(block), doc);

    assertThat(block.size()).isEqualTo(7);
    assertThat(doc.log()).isEqualTo("b1,last");
  }

  @Test
  void simpleMerge_aBranchEnteredInTheMiddle_fallsThroughToTheLast() {
    // the first branch jumps over its own jump to the second, as a choice before the merge would
    Flow<Doc> block = simpleMerge(taskJumpFwd(2), rec("b2"), rec("b3"), rec("last"));
    Doc doc = new Doc("d");

    run(Flow.of(block, rec("after")), doc);

    assertThat(doc.log()).isEqualTo("b2,last,after");
  }

  // ------------------------------------------------------------------ parallel

  @Test
  void parallelSplit_startsEveryBranchOnAnotherThread_withoutWaiting() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(2);
    List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    Task<Doc> branch =
        Task.named(
            "branch",
            (o, e) -> {
              threads.add(Thread.currentThread().getName());
              release.await(10, TimeUnit.SECONDS);
              o.seen.add("branch");
              done.countDown();
            });
    Doc doc = new Doc("d");

    run(Flow.of(parallelSplit(branch, branch), rec("after")), doc);

    assertThat(doc.log()).isEqualTo("after"); // did not wait
    release.countDown();
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(doc.log()).isEqualTo("after,branch,branch");
    assertThat(threads).allMatch(name -> name.startsWith("flowstate-branch-"));
  }

  @Test
  void synchronize_runsEachBranchOnce_inParallel_thenLast() {
    CountDownLatch bothRunning = new CountDownLatch(2);
    Task<Doc> waitForOther =
        Task.named(
            "w",
            (o, e) -> {
              bothRunning.countDown();
              assertThat(bothRunning.await(10, TimeUnit.SECONDS)).isTrue();
            });
    Doc doc = new Doc("d");

    run(
        Flow.of(
            synchronize(
                Duration.ofSeconds(10),
                Flow.of(waitForOther, rec("b1")),
                Flow.of(waitForOther, rec("b2")),
                rec("last")),
            rec("end")),
        doc);

    assertThat(doc.seen.subList(0, 2)).containsExactlyInAnyOrder("b1", "b2");
    assertThat(doc.seen.subList(2, 4)).containsExactly("last", "end");
  }

  @Test
  void synchronize_branchException_reachesTheCaller() {
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(
            Flow.of(
                synchronize(
                    Duration.ofSeconds(10),
                    rec("ok"),
                    Task.named(
                        "bad",
                        (o, e) -> {
                          throw new IllegalStateException("branch broke");
                        }),
                    rec("last"))));
    Doc doc = new Doc("d");

    assertThatThrownBy(() -> engine.process(List.of(doc)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("branch broke");
    assertThat(doc.seen).doesNotContain("last");
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 0, 0));
  }

  @Test
  void synchronize_timeout_failsClearly() {
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(
            Flow.of(
                synchronize(
                    Duration.ofMillis(100),
                    rec("quick"),
                    Task.named("slow", (o, e) -> Thread.sleep(10_000)),
                    rec("last"))));

    assertThatThrownBy(() -> engine.process(List.of(new Doc("d"))))
        .isInstanceOf(WorkflowError.class)
        .hasMessage("synchronize: 1 of 2 branches did not finish within PT0.1S");
  }

  @Test
  void synchronize_haltInLast_resumesInLastWithoutRerunningBranches() {
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> engine =
        runUntilHalt(
            Flow.of(
                synchronize(Duration.ofSeconds(10), rec("b"), Flow.of(haltOnce("h"), rec("l2")))),
            doc);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 0, 1, 0));

    engine.restart(RestartPosition.CURRENT, RestartPosition.NEXT);

    assertThat(doc.log()).isEqualTo("b,h,l2");
  }

  @Test
  void synchronize_needsBranchAndLast() {
    assertThatThrownBy(() -> synchronize(Duration.ofSeconds(1), rec("only")))
        .isInstanceOf(DefinitionError.class)
        .hasMessage(
            "synchronize needs at least one branch and the step that follows (two arguments)");
    assertThatThrownBy(() -> synchronize(Duration.ZERO, rec("a"), rec("b")))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("synchronize needs a positive timeout, got PT0S");
  }

  // ------------------------------------------------------------------ runWorkflow

  @Test
  void runWorkflow_runsChildOverConnectedObjects_andKeepsTheChildsExtraDataAsPlainData() {
    List<Doc> parts = List.of(new Doc("p1"), new Doc("p2"));
    Flow<Doc> child =
        Flow.of(
            inc(),
            Task.named(
                "count",
                (o, e) -> e.extraData().merge("runs", 1, (x, y) -> (Integer) x + (Integer) y)));
    Flow<Doc> parent = Flow.of(runWorkflow(child, (o, e) -> parts, "child", false), rec("after"));
    Doc a = new Doc("a");
    Doc b = new Doc("b");

    WorkflowEngine<Doc> engine = run(parent, a, b);

    assertThat(parts).extracting(d -> d.n).containsExactly(2, 2);
    assertThat(engine.extraData().get("child")).isEqualTo(Map.of("runs", 4));
    assertThat(a.log()).isEqualTo("after");
  }

  @Test
  void runWorkflow_reinit_makesAFreshChildEveryTime() {
    List<Doc> parts = List.of(new Doc("p"));
    Flow<Doc> child =
        Flow.of(
            Task.named(
                "count",
                (o, e) -> e.extraData().merge("runs", 1, (x, y) -> (Integer) x + (Integer) y)));

    WorkflowEngine<Doc> engine =
        run(
            Flow.of(runWorkflow(child, (o, e) -> parts, "child", true)),
            new Doc("a"),
            new Doc("b"));

    assertThat(engine.extraData().get("child")).isEqualTo(Map.of("runs", 1));
  }

  @Test
  void runWorkflow_haltInChild_haltsParentAtThatTask_andRestartRunsTheChildFromItsStart() {
    Doc part = new Doc("part");
    Flow<Doc> child = Flow.of(rec("c1"), haltOnce("ch"), rec("c2"));
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> engine =
        runUntilHalt(
            Flow.of(
                rec("p1"), runWorkflow(child, (o, e) -> List.of(part), "child", false), rec("p2")),
            doc);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 1));
    assertThat(engine.currentTaskName()).isEqualTo("runWorkflow(child)");

    engine.restart(RestartPosition.CURRENT, RestartPosition.CURRENT);

    assertThat(part.log()).isEqualTo("c1,ch,c1,ch,c2");
    assertThat(doc.log()).isEqualTo("p1,p2");
  }

  /**
   * Issue 8, defect 4: runWorkflow kept the live child engine in extraData, which Jackson stored as
   * {"running":false}; a parent resumed in another process lost the child's extra data. A fresh
   * engine given the stored map now behaves as the one that halted.
   */
  @Test
  void runWorkflow_keepsOnlyPlainData_soAFreshParentGivenItResumesAsTheOneThatHalted() {
    Flow<Doc> child =
        Flow.of(
            Task.named(
                "count",
                (o, e) -> e.extraData().merge("runs", 1, (x, y) -> (Integer) x + (Integer) y)),
            Task.named(
                "gate",
                (o, e) -> {
                  if (e.extraData().get("runs").equals(1)) {
                    e.halt("child needs review");
                  }
                }));
    Flow<Doc> parent =
        Flow.of(
            runWorkflow(child, (o, e) -> List.of(new Doc("part")), "child", false), rec("after"));
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> halted = runUntilHalt(parent, doc);
    assertThat(halted.extraData()).isEqualTo(Map.of("child", Map.of("runs", 1)));
    // what a store would give back: copies of plain values, nothing live
    Map<String, Object> stored =
        Map.of("child", new java.util.HashMap<>((Map<?, ?>) halted.extraData().get("child")));

    WorkflowEngine<Doc> resumed = new WorkflowEngine<>(parent);
    resumed.extraData().putAll(stored);
    resumed.setState(halted.state());
    resumed.restart(RestartPosition.CURRENT, RestartPosition.CURRENT, List.of(doc));

    assertThat(resumed.hasCompleted()).isTrue();
    assertThat(resumed.extraData().get("child")).isEqualTo(Map.of("runs", 2));
    assertThat(doc.log()).isEqualTo("after");
  }

  @Test
  void synchronizeAndParallelSplit_runTheirBranchesOnTheCallersExecutor_whichStaysOpen()
      throws Exception {
    java.util.concurrent.ExecutorService mine =
        java.util.concurrent.Executors.newFixedThreadPool(
            2, runnable -> new Thread(runnable, "mine"));
    try {
      List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
      Task<Doc> where =
          Task.named("where", (o, e) -> threads.add(Thread.currentThread().getName()));
      CountDownLatch split = new CountDownLatch(1);
      Flow<Doc> definition =
          Flow.of(
              synchronize(mine, Duration.ofSeconds(10), where, where, rec("after")),
              parallelSplit(mine, Task.named("split", (o, e) -> split.countDown())));

      run(definition, new Doc("a"));

      assertThat(threads).containsExactly("mine", "mine");
      assertThat(split.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(mine.isShutdown()).isFalse();
      assertThatThrownBy(() -> synchronize(null, Duration.ofSeconds(1), where, where))
          .isInstanceOf(DefinitionError.class)
          .hasMessage("synchronize needs an executor, got null");
    } finally {
      mine.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ signatures

  @Test
  void signature_coversTheValuesPatternsWereBuiltWith_andReadsTheSameInEveryJvm() {
    Flow<Doc> definition =
        Flow.of(
            ifThen(cmp((Value<Doc, Integer>) (o, e) -> o.n, 1_000, ">"), rec("approve")),
            forEach(List.of("mail", "invoice"), "step", rec("notify")),
            choice((o, e) -> o.n, when(1, rec("one")), when(2, rec("two"))),
            tryTask(rec("call"), 3, Duration.ofSeconds(1), null));

    assertThat(definition.signature())
        .isEqualTo(
            "[[ifThen(cmp(lambda in PatternsTest > 1000)), approve],"
                + " [forEach(step)([mail, invoice]), notify, jumpBack],"
                + " [choice([1, 2] from lambda in PatternsTest), one, breakLoop, two, breakLoop],"
                + " tryTask(call)(call, 3, PT1S)]");
    assertThat(definition.toString())
        .isEqualTo(
            "[[ifThen, approve], [forEach(step), notify, jumpBack], [choice, one, breakLoop, two,"
                + " breakLoop], tryTask(call)]");
    assertThat(forEach(List.of("a"), "k", rec("x")).signature())
        .isNotEqualTo(forEach(List.of("a", "b"), "k", rec("x")).signature());
  }

  // ------------------------------------------------------------------ tryTask

  @Test
  void
      tryTask_interruptedDuringItsBackoff_stopsRetrying_setsTheFlagAgain_andFailsWithTheInterrupt() {
    AtomicInteger attempts = new AtomicInteger();
    Task<Doc> failing =
        Task.named(
            "failing",
            (o, e) -> {
              attempts.incrementAndGet();
              throw new IOException("down");
            });
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(Flow.of(tryTask(failing, 5, Duration.ofHours(1), null)));

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> engine.process(List.of(new Doc("a"))))
          .isInstanceOf(WorkflowError.class)
          .hasMessage(
              "tryTask(failing) was interrupted at attempt 1 of 6 and does not retry; the thread's"
                  + " interrupt flag is set again")
          .hasCauseInstanceOf(InterruptedException.class)
          .satisfies(e -> assertThat(e.getSuppressed()[0]).hasMessage("down"));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(attempts).hasValue(1);
  }

  @Test
  void tryTask_taskThrowingInterruptedException_isNotRetried_andTheFlagIsSetAgain() {
    AtomicInteger attempts = new AtomicInteger();
    Task<Doc> interrupted =
        Task.named(
            "waits",
            (o, e) -> {
              attempts.incrementAndGet();
              throw new InterruptedException("shutting down");
            });
    WorkflowEngine<Doc> engine = new WorkflowEngine<>(Flow.of(tryTask(interrupted, 5)));

    try {
      assertThatThrownBy(() -> engine.process(List.of(new Doc("a"))))
          .isInstanceOf(WorkflowError.class)
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(attempts).hasValue(1);
  }

  @Test
  void tryTask_retriesUntilTheTaskSucceeds() {
    AtomicInteger attempts = new AtomicInteger();
    Task<Doc> flaky =
        Task.named(
            "flaky",
            (o, e) -> {
              if (attempts.incrementAndGet() < 3) {
                throw new IOException("try again");
              }
              o.seen.add("ok");
            });
    Doc doc = new Doc("d");

    run(Flow.of(tryTask(flaky, 5, Duration.ofMillis(1), null)), doc);

    assertThat(attempts.get()).isEqualTo(3);
    assertThat(doc.log()).isEqualTo("ok");
  }

  @Test
  void tryTask_allAttemptsFailed_rethrowsTheLastFailure() {
    AtomicInteger attempts = new AtomicInteger();
    WorkflowEngine<Doc> engine =
        new WorkflowEngine<>(
            Flow.of(
                tryTask(
                    Task.named(
                        "bad",
                        (o, e) -> {
                          throw new IllegalStateException("attempt " + attempts.incrementAndGet());
                        }),
                    2)));

    assertThatThrownBy(() -> engine.process(List.of(new Doc("d"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("attempt 3");
  }

  @Test
  void tryTask_allAttemptsFailed_callsOnFailureWithTheLastFailure() {
    Doc doc = new Doc("d");
    run(
        Flow.of(
            tryTask(
                Task.named(
                    "bad",
                    (o, e) -> {
                      throw new IOException("nope");
                    }),
                1,
                Duration.ZERO,
                (o, e, failure) -> o.seen.add("gave up: " + failure.getMessage())),
            rec("after")),
        doc);

    assertThat(doc.log()).isEqualTo("gave up: nope,after");
  }

  @Test
  void tryTask_neverRetriesATransition() {
    AtomicInteger attempts = new AtomicInteger();
    Doc doc = new Doc("d");
    WorkflowEngine<Doc> engine =
        runUntilHalt(
            Flow.of(
                tryTask(
                    Task.named(
                        "halting",
                        (o, e) -> {
                          attempts.incrementAndGet();
                          e.halt("wait");
                        }),
                    5)),
            doc);

    assertThat(attempts.get()).isEqualTo(1);
    assertThat(engine.state()).isEqualTo(EngineState.of(0, 0));
  }

  @Test
  void tryTask_negativeRetries_isADefinitionError() {
    assertThatThrownBy(() -> tryTask(rec("x"), -1))
        .isInstanceOf(DefinitionError.class)
        .hasMessage("tryTask needs 0 or more retries, got -1");
  }

  // ------------------------------------------------------------------ helpers

  @Test
  void getAndSetHelpers_readAndWriteEngineAndMapObjects() throws Exception {
    Flow<Map<String, Object>> flow =
        Flow.of(
            engSet("k", 7),
            objSet("color", "red"),
            emptyCall(),
            ifThen(cmp(engGet("k"), 7, "eq"), objSet("seven", true)),
            ifThen(cmp(objGet("color"), "red", "=="), objSet("red", true)));
    Map<String, Object> obj = new HashMap<>();
    WorkflowEngine<Map<String, Object>> engine = new WorkflowEngine<>(flow);

    engine.process(List.of(obj));

    assertThat(engine.extraData()).containsEntry("k", 7);
    assertThat(obj)
        .containsEntry("color", "red")
        .containsEntry("seven", true)
        .containsEntry("red", true);
  }

  @Test
  void errorHelper_failsWithAWorkflowError() {
    WorkflowEngine<Doc> engine = new WorkflowEngine<>(Flow.of(rec("a"), error("not allowed")));
    engine.setWorkflowId("w");

    assertThatThrownBy(() -> engine.process(List.of(new Doc("d"), new Doc("e"))))
        .isInstanceOfSatisfying(
            WorkflowError.class,
            e -> {
              assertThat(e.workflowId()).isEqualTo("w");
              assertThat(e.objectIndex()).isZero();
            })
        .hasMessage("not allowed");
  }
}
