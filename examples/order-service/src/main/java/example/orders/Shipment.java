package example.orders;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import java.time.Instant;

/** One shipment per order: what must happen exactly once, whatever crashes. */
@Entity
public class Shipment {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(nullable = false)
  long orderId;

  Instant shippedAt;

  protected Shipment() {}

  Shipment(long orderId) {
    this.orderId = orderId;
    this.shippedAt = Instant.now();
  }
}
