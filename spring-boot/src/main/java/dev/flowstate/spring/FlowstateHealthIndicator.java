package dev.flowstate.spring;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Actuator's {@code flowstate} health on Spring Boot 4: DOWN when the database does not answer;
 * otherwise UP with the running workflows whose lease passed ({@code interrupted}) or that stalled,
 * and the state of this instance's worker pool.
 */
public class FlowstateHealthIndicator extends AbstractHealthIndicator {

  private final FlowstateHealth health;

  FlowstateHealthIndicator(FlowstateHealth health) {
    super("flowstate's database does not answer");
    this.health = health;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.up().withDetails(health.details());
  }
}
