package example;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import dev.flowstate.spring.FlowstateDefinition;
import java.util.HashSet;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A Boot application whose tasks write through a Spring Data JPA repository. */
@SpringBootApplication
public class BookingApplication {

  public static class Order {
    public String name;

    public Order() {}

    public Order(String name) {
      this.name = name;
    }
  }

  /** Names of the orders whose charge fails once (the test sets them). */
  static final Set<String> DECLINE_ONCE = new HashSet<>();

  /** Names of the orders whose task books a duplicate code and catches the failure. */
  static final Set<String> DUPLICATE = new HashSet<>();

  @Bean
  FlowstateDefinition<Order> booking(Bookings bookings) {
    return new FlowstateDefinition<>(
        "booking",
        Order.class,
        Flow.of(
            Task.named("reserve", (o, e) -> bookings.save(new Booking(o.name + " reserve"))),
            Task.named(
                "charge",
                (o, e) -> {
                  bookings.save(new Booking(o.name + " charge"));
                  if (DUPLICATE.contains(o.name)) {
                    try {
                      bookings.saveAndFlush(new Booking(o.name + " charge"));
                    } catch (RuntimeException duplicate) {
                      // swallowed: the repository marked the run's transaction rollback-only
                    }
                  }
                  if (DECLINE_ONCE.remove(o.name)) {
                    throw new IllegalStateException("card declined");
                  }
                })));
  }

  public static void main(String[] args) {
    SpringApplication.run(BookingApplication.class, args);
  }
}
