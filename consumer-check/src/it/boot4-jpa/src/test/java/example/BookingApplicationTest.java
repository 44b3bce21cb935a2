package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstate.db.DbWorkflowEngine;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.WorkflowError;
import example.BookingApplication.Order;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.UnexpectedRollbackException;

/**
 * A Spring Data JPA repository called by tasks writes through the run's transaction, on the Boot
 * line's own Hibernate: its rows commit with the object and go back with a failed task.
 */
@SpringBootTest
class BookingApplicationTest {

  @Autowired Flowstate flowstate;
  @Autowired Bookings bookings;
  @Autowired ApplicationContext context;
  @Autowired MeterRegistry meters;

  @BeforeEach
  void empty() {
    bookings.deleteAll(); // outside a run: the repository's own transaction, as always
  }

  List<String> codes() {
    return bookings.findAll().stream().map(Booking::code).sorted().toList();
  }

  @Test
  void repositoryWrites_commitWithTheirObject_aFailureAfterTheWriteTakesItBack() {
    BookingApplication.DECLINE_ONCE.add("B");
    DbWorkflowEngine<Order> engine = flowstate.newWorkflow("booking", Order.class);

    WorkflowError error =
        assertThrows(
            WorkflowError.class,
            () -> engine.process(List.of(new Order("A"), new Order("B"), new Order("C"))));
    assertTrue(error.getMessage().contains("card declined"), error.getMessage());
    assertEquals(List.of("A charge", "A reserve", "B reserve"), codes());

    engine.resume();

    assertEquals(
        List.of("A charge", "A reserve", "B charge", "B reserve", "C charge", "C reserve"),
        codes());
  }

  @Test
  void aRepositoryFailureCaughtInATask_failsTheTask_andTakesItsWritesBack() {
    BookingApplication.DUPLICATE.add("B");
    try {
      DbWorkflowEngine<Order> engine = flowstate.newWorkflow("booking", Order.class);

      WorkflowError error =
          assertThrows(
              WorkflowError.class, () -> engine.process(List.of(new Order("A"), new Order("B"))));
      assertInstanceOf(UnexpectedRollbackException.class, error.getCause());
      assertEquals(List.of("A charge", "A reserve", "B reserve"), codes());
    } finally {
      BookingApplication.DUPLICATE.clear();
    }
  }

  /**
   * Actuator's flowstate health (Boot 4's and Boot 3.5's indicator types differ: read through
   * reflection), the /info entry, and the flowstate.* meters bound to Boot's registry.
   */
  @Test
  void actuator_showsFlowstatesHealthAndInfo_andMetersCountRuns() throws Exception {
    Object indicator = context.getBean("flowstateHealthIndicator");
    Object health = indicator.getClass().getMethod("health").invoke(indicator);
    Object status = health.getClass().getMethod("getStatus").invoke(health);
    assertEquals("UP", status.getClass().getMethod("getCode").invoke(status));
    Map<?, ?> details = (Map<?, ?>) health.getClass().getMethod("getDetails").invoke(health);
    assertEquals(0L, details.get("interrupted"));
    assertEquals("disabled", details.get("workers"));

    Info.Builder info = new Info.Builder();
    context.getBean("flowstateInfoContributor", InfoContributor.class).contribute(info);
    Map<?, ?> flowstateInfo = (Map<?, ?>) info.build().get("flowstate");
    assertEquals( // flowstate's latest migration
        String.valueOf(dev.flowstate.migrations.FlowstateMigrations.LATEST_VERSION),
        flowstateInfo.get("schemaVersion"));
    assertTrue(((Map<?, ?>) flowstateInfo.get("definitions")).containsKey("booking"));

    double before = completedRuns();
    flowstate.newWorkflow("booking", Order.class).process(List.of(new Order("M")));
    assertEquals(before + 1, completedRuns());
  }

  double completedRuns() {
    var counter =
        meters
            .find("flowstate.workflows.ended")
            .tag("definition", "booking")
            .tag("status", "COMPLETED")
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
