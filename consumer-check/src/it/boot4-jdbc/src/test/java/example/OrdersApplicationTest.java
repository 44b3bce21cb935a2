package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The application as Boot starts it: a submitted workflow is run by the auto-configured pool. */
@SpringBootTest
class OrdersApplicationTest {

  @Autowired Flowstate flowstate;

  @Test
  void submittedWorkflow_isRunByTheWorkerPool() throws Exception {
    UUID id = flowstate.submit("orders", List.of(new OrdersApplication.Order("A")));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (flowstate.status(id).orElseThrow() != WorkflowStatus.COMPLETED
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(WorkflowStatus.COMPLETED, flowstate.status(id).orElseThrow());
  }
}
