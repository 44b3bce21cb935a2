package example.orders;

import org.springframework.data.jpa.repository.JpaRepository;

/** The shipments. */
public interface Shipments extends JpaRepository<Shipment, Long> {
  long countByOrderId(long orderId);
}
