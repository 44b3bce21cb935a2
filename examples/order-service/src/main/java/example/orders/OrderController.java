package example.orders;

import dev.flowstate.db.Flowstate;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The service's HTTP API. */
@RestController
@RequestMapping("/orders")
public class OrderController {

  /** What a client posts. */
  public record NewOrder(String customer, long amount) {}

  /** What a client reads: the order and where its workflow stands. */
  public record OrderView(
      long id, String customer, long amount, String status, UUID workflowId, String workflow) {}

  private final PurchaseOrders orders;
  private final Flowstate flowstate;

  OrderController(PurchaseOrders orders, Flowstate flowstate) {
    this.orders = orders;
    this.flowstate = flowstate;
  }

  @PostMapping
  ResponseEntity<OrderView> create(@RequestBody NewOrder request) {
    if (request.customer() == null || request.customer().isBlank() || request.amount() <= 0) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "an order needs a customer and a positive amount");
    }
    PurchaseOrder order = orders.save(new PurchaseOrder(request.customer(), request.amount()));
    order.workflowId = flowstate.submit("order-approval", List.of(new OrderTicket(order.id)));
    orders.save(order);
    return ResponseEntity.created(URI.create("/orders/" + order.id)).body(view(order));
  }

  @GetMapping("/{id}")
  OrderView get(@PathVariable long id) {
    return view(find(id));
  }

  @PostMapping("/{id}/approve")
  ResponseEntity<OrderView> approve(@PathVariable long id, @RequestParam String by) {
    PurchaseOrder order = find(id);
    if (order.status != PurchaseOrder.Status.AWAITING_APPROVAL || order.approvedBy != null) {
      throw new ResponseStatusException(
          HttpStatus.CONFLICT, "order " + id + " is " + order.status + ", not awaiting approval");
    }
    order.approvedBy = by;
    orders.save(order);
    flowstate.requestResume(order.workflowId); // a worker pool resumes it at once
    return ResponseEntity.accepted().body(view(order));
  }

  private PurchaseOrder find(long id) {
    return orders
        .findById(id)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + id));
  }

  private OrderView view(PurchaseOrder order) {
    String workflow =
        order.workflowId == null
            ? null
            : flowstate.status(order.workflowId).map(Enum::name).orElse(null);
    return new OrderView(
        order.id, order.customer, order.amount, order.status.name(), order.workflowId, workflow);
  }
}
