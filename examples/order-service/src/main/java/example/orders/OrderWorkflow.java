package example.orders;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import dev.flowstate.spring.FlowstateDefinition;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The order-approval workflow: wait for approval, then ship, each write in the run's transaction.
 */
@Configuration
public class OrderWorkflow {

  private static final Logger LOG = LoggerFactory.getLogger(OrderWorkflow.class);

  @Bean
  FlowstateDefinition<OrderTicket> orderApproval(
      PurchaseOrders orders,
      Shipments shipments,
      @Value("${orders.ship-delay:0s}") Duration shipDelay) {
    Task<OrderTicket> awaitApproval =
        Task.named(
            "await-approval",
            (ticket, engine) -> {
              PurchaseOrder order = orders.findById(ticket.orderId).orElseThrow();
              if (order.approvedBy == null) {
                order.status = PurchaseOrder.Status.AWAITING_APPROVAL;
                orders.save(order); // commits with the halt below
                engine.halt("order " + order.id + " needs approval", "approve", null);
              }
            });
    Task<OrderTicket> ship =
        Task.named(
            "ship",
            (ticket, engine) -> {
              shipments.save(new Shipment(ticket.orderId));
              PurchaseOrder order = orders.findById(ticket.orderId).orElseThrow();
              order.status = PurchaseOrder.Status.SHIPPED;
              orders.save(order);
              LOG.info("shipping order {}", ticket.orderId);
              pause(shipDelay); // the crash test kills the process here
            });
    return new FlowstateDefinition<>(
        "order-approval", OrderTicket.class, Flow.of(awaitApproval, ship));
  }

  private static void pause(Duration delay) {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while shipping", e);
    }
  }
}
