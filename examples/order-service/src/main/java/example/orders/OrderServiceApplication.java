package example.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An order service: {@code POST /orders} submits an order-approval workflow, which halts until
 * {@code POST /orders/{id}/approve}; a worker pool runs it, its tasks writing through Spring Data
 * repositories inside the run's own transaction.
 */
@SpringBootApplication
public class OrderServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(OrderServiceApplication.class, args);
  }
}
