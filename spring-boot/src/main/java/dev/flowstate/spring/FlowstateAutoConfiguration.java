package dev.flowstate.spring;

import dev.flowstate.db.Flowstate;
import dev.flowstate.db.FlowstateBuilder;
import dev.flowstate.db.WorkerPool;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * The application's {@link Flowstate} on its {@link DataSource} (no second pool), with every {@link
 * FlowstateDefinition} bean registered, and, with {@code flowstate.workers.enabled}, a {@link
 * WorkerPool} started when the context has started and closed gracefully when it stops, before the
 * DataSource goes. Runs after Spring Boot's DataSource auto-configuration (the class names of Boot
 * 3 and Boot 4 both).
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"
    })
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(FlowstateProperties.class)
public class FlowstateAutoConfiguration {

  /**
   * @param dataSource the application's DataSource: flowstate borrows its connections and never
   *     closes it
   * @param properties {@code flowstate.*}
   * @param definitions the definitions to register
   * @param persistenceUnits the application's JPA persistence units, whose repositories tasks call
   *     inside the run's transaction
   * @return the Flowstate, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Flowstate flowstate(
      DataSource dataSource,
      FlowstateProperties properties,
      ObjectProvider<FlowstateDefinition<?>> definitions,
      ObjectProvider<EntityManagerFactory> persistenceUnits) {
    FlowstateBuilder builder =
        Flowstate.builder()
            .dataSource(dataSource)
            .migrate(properties.isMigrate())
            .lease(properties.getLease())
            .heartbeat(properties.getHeartbeat())
            .stalledAfter(properties.getStalledAfter())
            .history(properties.isHistory())
            .maxDataLength(properties.getMaxDataLength());
    ClassLoader loader = FlowstateAutoConfiguration.class.getClassLoader();
    if (properties.isJoinTransactions()
        && ClassUtils.isPresent("org.springframework.jdbc.datasource.ConnectionHolder", loader)) {
      boolean jpa = ClassUtils.isPresent("org.springframework.orm.jpa.EntityManagerHolder", loader);
      builder.transactionBinding(
          new SpringTransactionBinding(
              dataSource,
              () ->
                  jpa
                      ? JpaUnit.on(dataSource, persistenceUnits.orderedStream().toList())
                      : List.of()));
    }
    String schema = properties.getSchema();
    if (schema != null && !schema.isBlank()) {
      builder.schema(schema);
    }
    Flowstate flowstate = builder.build();
    try {
      definitions.orderedStream().forEach(d -> register(flowstate, d));
    } catch (RuntimeException e) {
      flowstate.close();
      throw e;
    }
    return flowstate;
  }

  private static <T> void register(Flowstate flowstate, FlowstateDefinition<T> definition) {
    flowstate.register(definition.name(), definition.type(), definition.flow());
    if (definition.checkpointEvery() > 1) {
      flowstate.checkpointEvery(definition.name(), definition.checkpointEvery());
    }
  }

  /**
   * @param flowstate the application's Flowstate
   * @param properties {@code flowstate.workers.*}
   * @return the worker pool's lifecycle
   */
  @Bean
  @ConditionalOnProperty(prefix = "flowstate.workers", name = "enabled", havingValue = "true")
  public FlowstateWorkers flowstateWorkers(Flowstate flowstate, FlowstateProperties properties) {
    return new FlowstateWorkers(flowstate, properties.getWorkers());
  }

  /**
   * The dashboard over the application's database ({@code flowstate.dashboard.enabled=true}, with
   * flowstate-dashboard on the class path), drawing the registered definitions; stopped with the
   * context.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.flowstate.dashboard.Dashboard")
  @ConditionalOnProperty(prefix = "flowstate.dashboard", name = "enabled", havingValue = "true")
  static class DashboardConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    dev.flowstate.dashboard.Dashboard flowstateDashboard(
        DataSource dataSource, Flowstate flowstate, FlowstateProperties properties) {
      FlowstateProperties.Dashboard settings = properties.getDashboard();
      String schema = properties.getSchema();
      return dev.flowstate.dashboard.Dashboard.builder(dataSource)
          .schema(schema == null || schema.isBlank() ? null : schema)
          .port(settings.getPort())
          .bind(settings.getBind())
          .refresh(settings.getRefresh())
          .operator(
              settings.getOperator(),
              settings.getToken() == null || settings.getToken().isBlank()
                  ? null
                  : settings.getToken())
          .definitions(flowstate)
          .start();
    }
  }

  /** flowstate.* meters, bound by Boot to the application's registry, with Micrometer present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "dev.flowstate.micrometer.FlowstateMetrics",
        "io.micrometer.core.instrument.MeterRegistry"
      })
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    dev.flowstate.micrometer.FlowstateMetrics flowstateMetrics(Flowstate flowstate) {
      return new dev.flowstate.micrometer.FlowstateMetrics(flowstate);
    }
  }

  /** Actuator's flowstate health on Boot 4 ({@code management.health.flowstate.enabled}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(
      prefix = "management.health.flowstate",
      name = "enabled",
      matchIfMissing = true)
  static class Boot4HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "flowstateHealthIndicator")
    FlowstateHealthIndicator flowstateHealthIndicator(
        Flowstate flowstate, ObjectProvider<FlowstateWorkers> workers) {
      return new FlowstateHealthIndicator(new FlowstateHealth(flowstate, workers));
    }
  }

  /** The same health on Boot 3.5, whose indicator type lives in spring-boot-actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = Boot3Health.INDICATOR)
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(
      prefix = "management.health.flowstate",
      name = "enabled",
      matchIfMissing = true)
  @Import(Boot3HealthConfiguration.Registrar.class)
  static class Boot3HealthConfiguration {
    static class Registrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware {
      private BeanFactory beans;

      @Override
      public void setBeanFactory(BeanFactory beanFactory) {
        this.beans = beanFactory;
      }

      @Override
      public void registerBeanDefinitions(
          AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        if (!registry.containsBeanDefinition("flowstateHealthIndicator")) {
          Boot3Health.register(
              registry,
              () ->
                  new FlowstateHealth(
                      beans.getBean(Flowstate.class),
                      beans.getBeanProvider(FlowstateWorkers.class)));
        }
      }
    }
  }

  /** Actuator's /info flowstate entry ({@code management.info.flowstate.enabled}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.info.InfoContributor")
  @ConditionalOnProperty(
      prefix = "management.info.flowstate",
      name = "enabled",
      matchIfMissing = true)
  static class InfoConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "flowstateInfoContributor")
    FlowstateInfoContributor flowstateInfoContributor(Flowstate flowstate) {
      return new FlowstateInfoContributor(flowstate);
    }
  }

  /**
   * The worker pool as a {@link SmartLifecycle}: started with the context, after the other beans
   * exist; stopped first on shutdown (graceful: running workflows hand themselves back at their
   * next save point within the shutdown timeout), while the DataSource still serves.
   */
  public static final class FlowstateWorkers implements SmartLifecycle {

    private final Flowstate flowstate;
    private final FlowstateProperties.Workers settings;
    private volatile WorkerPool pool;

    FlowstateWorkers(Flowstate flowstate, FlowstateProperties.Workers settings) {
      this.flowstate = flowstate;
      this.settings = settings;
    }

    @Override
    public synchronized void start() {
      if (pool == null) {
        pool =
            flowstate
                .workers()
                .threads(settings.getThreads())
                .pollInterval(settings.getPollInterval())
                .shutdownTimeout(settings.getShutdownTimeout())
                .start();
      }
    }

    @Override
    public synchronized void stop() {
      if (pool != null) {
        pool.close();
        pool = null;
      }
    }

    @Override
    public boolean isRunning() {
      return pool != null;
    }

    /**
     * @return the running pool, or null when stopped
     */
    public WorkerPool pool() {
      return pool;
    }
  }
}
