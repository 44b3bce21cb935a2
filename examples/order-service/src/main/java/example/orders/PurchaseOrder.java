package example.orders;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import java.util.UUID;

/** The application's own order row, written by the controller and by the workflow's tasks. */
@Entity
public class PurchaseOrder {

  /** Where an order stands, as the service's clients see it. */
  public enum Status {
    NEW,
    AWAITING_APPROVAL,
    SHIPPED
  }

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  String customer;
  long amount;

  @Enumerated(EnumType.STRING)
  Status status = Status.NEW;

  String approvedBy;
  UUID workflowId;

  protected PurchaseOrder() {}

  PurchaseOrder(String customer, long amount) {
    this.customer = customer;
    this.amount = amount;
  }
}
