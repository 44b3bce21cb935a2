package dev.flowstate.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;

/*
 * Actuator's flowstate health on Spring Boot 3.5, whose HealthIndicator lives in another package
 * (org.springframework.boot.actuate.health) than Boot 4's: this module is compiled against Boot 4,
 * so it builds Boot 3.5's Health through its public API by reflection, with the same report.
 */
final class Boot3Health implements InvocationHandler {

  static final String INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
  private static final String HEALTH = "org.springframework.boot.actuate.health.Health";

  private final FlowstateHealth health;
  private final Class<?> healthType;

  private Boot3Health(FlowstateHealth health, ClassLoader loader) throws ClassNotFoundException {
    this.health = health;
    this.healthType = Class.forName(HEALTH, false, loader);
  }

  /** Registers the indicator as bean {@code flowstateHealthIndicator}, typed as Boot 3.5's. */
  @SuppressWarnings("unchecked")
  static void register(
      BeanDefinitionRegistry registry, java.util.function.Supplier<FlowstateHealth> health) {
    ClassLoader loader = Boot3Health.class.getClassLoader();
    Class<Object> indicator;
    try {
      indicator = (Class<Object>) Class.forName(INDICATOR, false, loader);
    } catch (ClassNotFoundException e) {
      return;
    }
    registry.registerBeanDefinition(
        "flowstateHealthIndicator",
        new RootBeanDefinition(
            indicator,
            () -> {
              try {
                return Proxy.newProxyInstance(
                    loader, new Class<?>[] {indicator}, new Boot3Health(health.get(), loader));
              } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
              }
            }));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "health":
        if (args == null || args.length == 0) {
          return health();
        }
        return InvocationHandler.invokeDefault(proxy, method, args);
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "flowstate health indicator (Boot 3)";
      default:
        return InvocationHandler.invokeDefault(proxy, method, args);
    }
  }

  private Object health() throws ReflectiveOperationException {
    Object builder;
    try {
      Map<String, Object> details = health.details();
      builder = healthType.getMethod("up").invoke(null);
      builder = builder.getClass().getMethod("withDetails", Map.class).invoke(builder, details);
    } catch (RuntimeException e) {
      builder = healthType.getMethod("down", Exception.class).invoke(null, e);
    }
    return builder.getClass().getMethod("build").invoke(builder);
  }
}
