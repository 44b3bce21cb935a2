package example.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The service as it runs: real HTTP on a real port, PostgreSQL, the worker pool. An order halts for
 * approval and ships once approved; an instance killed with SIGKILL in the middle of shipping loses
 * nothing and ships nothing twice, because the shipment row was written in the run's own
 * transaction, which the next instance's run repeats from the last save point.
 */
class OrderServiceTest {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();
  final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  final List<Process> processes = new ArrayList<>();
  String url;
  String appSchema;
  String flowstateSchema;

  @BeforeEach
  void schemas() {
    url = System.getenv("FLOWSTATE_TEST_JDBC_URL");
    if (!"1".equals(System.getenv("FLOWSTATE_REQUIRE_PG"))) {
      assumeThat(url).as("FLOWSTATE_TEST_JDBC_URL (a PostgreSQL database)").isNotBlank();
    }
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    appSchema = "orders_" + suffix;
    flowstateSchema = "flowstate_" + suffix;
    jdbc().execute("CREATE SCHEMA " + appSchema);
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    contexts.forEach(ConfigurableApplicationContext::close);
    if (appSchema != null) {
      jdbc().execute("DROP SCHEMA IF EXISTS " + appSchema + " CASCADE");
      jdbc().execute("DROP SCHEMA IF EXISTS " + flowstateSchema + " CASCADE");
    }
  }

  JdbcTemplate jdbc() {
    return new JdbcTemplate(new SingleConnectionDataSource(url, true));
  }

  /** The service's settings: its database, short leases so a dead instance's work moves fast. */
  Map<String, String> settings(int port, String shipDelay) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("server.port", String.valueOf(port));
    settings.put("spring.datasource.url", url);
    settings.put("spring.datasource.hikari.schema", appSchema);
    settings.put("flowstate.schema", flowstateSchema);
    settings.put("flowstate.lease", "3s");
    settings.put("flowstate.heartbeat", "1s");
    settings.put("flowstate.workers.poll-interval", "200ms");
    settings.put("orders.ship-delay", shipDelay);
    return settings;
  }

  String start(String shipDelay) throws Exception {
    int port = freePort();
    Map<String, String> settings = settings(port, shipDelay);
    contexts.add(
        new SpringApplicationBuilder(OrderServiceApplication.class)
            .properties(
                settings.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .toList()
                    .toArray(String[]::new))
            .run());
    return "http://127.0.0.1:" + port;
  }

  /** The service in a JVM of its own; its log lines go to {@code lines}. */
  String startProcess(String shipDelay, BlockingQueue<String> lines) throws Exception {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(OrderServiceApplication.class.getName());
    settings(port, shipDelay).forEach((k, v) -> command.add("--" + k + "=" + v));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(process);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  lines.add(line);
                }
              } catch (java.io.IOException ignored) {
                // the process was killed
              }
            });
    reader.setDaemon(true);
    reader.start();
    awaitLine(lines, line -> line.contains("Started OrderServiceApplication"), process);
    return "http://127.0.0.1:" + port;
  }

  static String awaitLine(BlockingQueue<String> lines, Predicate<String> wanted, Process process)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.add(line);
        if (wanted.test(line)) {
          return line;
        }
      } else if (!process.isAlive()) {
        break;
      }
    }
    throw new AssertionError(
        "the service never logged what was awaited; it logged:\n" + String.join("\n", seen));
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  HttpResponse<String> post(String uri, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode get(String uri) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** Reads the order until it reaches {@code status} with its workflow in {@code workflow}. */
  JsonNode await(String base, long id, String status, String workflow) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode order = get(base + "/orders/" + id);
    while (!(order.get("status").asText().equals(status)
            && order.get("workflow").asText().equals(workflow))
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
      order = get(base + "/orders/" + id);
    }
    assertThat(order.get("status").asText() + " " + order.get("workflow").asText())
        .isEqualTo(status + " " + workflow);
    return order;
  }

  long create(String base) throws Exception {
    HttpResponse<String> created = post(base + "/orders", "{\"customer\":\"ada\",\"amount\":4200}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body()).get("id").asLong();
  }

  long shipments(long orderId) {
    return jdbc()
        .queryForObject(
            "SELECT COUNT(*) FROM " + appSchema + ".shipment WHERE order_id = ?",
            Long.class,
            orderId);
  }

  @Test
  void anOrder_haltsForApproval_andShipsOnceApproved_overHttp() throws Exception {
    String base = start("0s");

    long id = create(base);
    await(base, id, "AWAITING_APPROVAL", "HALTED");
    assertThat(post(base + "/orders/" + id + "/approve?by=grace", "").statusCode()).isEqualTo(202);
    await(base, id, "SHIPPED", "COMPLETED");

    assertThat(shipments(id)).isEqualTo(1);
    assertThat(post(base + "/orders/" + id + "/approve?by=grace", "").statusCode()).isEqualTo(409);
    assertThat(post(base + "/orders/999999/approve?by=grace", "").statusCode()).isEqualTo(404);
    assertThat(post(base + "/orders", "{\"customer\":\"\",\"amount\":1}").statusCode())
        .isEqualTo(400);
    JsonNode health = get(base + "/actuator/health");
    assertThat(health.at("/components/flowstate/status").asText()).isEqualTo("UP");
    assertThat(health.at("/components/flowstate/details/workers").asText()).isEqualTo("running");
    assertThat(get(base + "/actuator/info").at("/flowstate/definitions/order-approval").asText())
        .isNotBlank();
  }

  @Test
  void anInstanceKilledWhileShipping_losesNothing_andTheNextShipsExactlyOnce() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    String first = startProcess("5m", lines);
    long id = create(first);
    await(first, id, "AWAITING_APPROVAL", "HALTED");
    assertThat(post(first + "/orders/" + id + "/approve?by=grace", "").statusCode()).isEqualTo(202);
    awaitLine(lines, line -> line.contains("shipping order " + id), processes.get(0));

    processes.get(0).destroyForcibly().waitFor(); // SIGKILL, mid-task: its shipment uncommitted
    assertThat(shipments(id)).isZero();

    String second = start("0s");
    await(second, id, "SHIPPED", "COMPLETED"); // taken over once the dead instance's lease passed
    assertThat(shipments(id)).isEqualTo(1);
  }
}
