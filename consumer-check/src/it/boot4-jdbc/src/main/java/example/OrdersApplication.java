package example;

import dev.flowstate.engine.Flow;
import dev.flowstate.engine.Task;
import dev.flowstate.spring.FlowstateDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
public class OrdersApplication {

  public static class Order {
    public String name;
    public long total;

    public Order() {}

    public Order(String name) {
      this.name = name;
    }
  }

  @Bean
  FlowstateDefinition<Order> orders() {
    return new FlowstateDefinition<>(
        "orders", Order.class, Flow.of(Task.named("price", (order, engine) -> order.total += 12)));
  }

  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }
}
