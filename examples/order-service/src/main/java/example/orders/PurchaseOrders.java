package example.orders;

import org.springframework.data.jpa.repository.JpaRepository;

/** The orders: a Spring Data repository, called from tasks and from the controller alike. */
public interface PurchaseOrders extends JpaRepository<PurchaseOrder, Long> {}
