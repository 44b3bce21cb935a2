package dev.flowstate.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.flowstate.db.Flowstate;
import dev.flowstate.engine.Flow;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations dashboard and its HTTP API over a flowstate database: every workflow, why it is
 * stuck and since when, the worker pools, and resume requests that worker pools carry out. It runs
 * on the JDK's own HTTP server ({@code com.sun.net.httpserver}, no servlet container or framework
 * needed from the host application), reads through {@link dev.flowstate.db.WorkflowReader} and
 * never runs a task.
 *
 * <pre>{@code
 * Dashboard dashboard = Dashboard.builder(dataSource).operator("alice", System.getenv("FLOWSTATE_DASHBOARD_TOKEN")).start();
 * // http://127.0.0.1:8080/ ... dashboard.close() at shutdown
 * }</pre>
 *
 * <p>Without an operator token it is read-only. Actions (resume now, resume at a time) need a
 * token, sent by the page in a header (never in a URL or a cookie, so another site cannot make a
 * browser send it), and are recorded in the workflow's history with the operator's name. It binds
 * to the loopback interface unless told otherwise.
 */
public final class Dashboard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

  static {
    // The JDK server writes a response's headers and body in two writes; with Nagle's algorithm on,
    // the body waits for the client's delayed acknowledgement of the headers: 40 ms a request on
    // Linux. The server reads this setting once, when its first instance starts; an application
    // that set it either way keeps its choice.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI url;

  private Dashboard(HttpServer server, ExecutorService executor, URI url) {
    this.server = server;
    this.executor = executor;
    this.url = url;
  }

  /**
   * @param dataSource the flowstate database (its schema migrated)
   * @return a builder with the defaults: 127.0.0.1:8080, read-only
   */
  public static Builder builder(DataSource dataSource) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource must not be null");
    }
    return new Builder(dataSource);
  }

  /**
   * @return where the dashboard answers, e.g. {@code http://127.0.0.1:8080/}
   */
  public URI url() {
    return url;
  }

  /**
   * @return the port it listens on (the one chosen when started with port 0)
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Stops answering; requests in progress get a second to finish, and close waits up to five for
   * their threads. A request thread is never interrupted: an interrupt that lands in the JDBC
   * driver breaks its connection, and on an embedded H2 file database it closes the database for
   * every connection of the process (H2 issue 227), the application's included. One still running
   * after the wait (a hung statement) is left to end on its own: its thread is a daemon.
   */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("a dashboard request has not ended 5 s after close; left to end on its own");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("flowstate dashboard at {} stopped", url);
  }

  /** How a dashboard is started: where it listens, who may act, what it draws. */
  public static final class Builder {
    private final DataSource dataSource;
    private String bind = "127.0.0.1";
    private int port = 8080;
    private String schema;
    private ObjectMapper mapper = new ObjectMapper();
    private Duration refresh = Duration.ofSeconds(2);
    private int threads = 8;
    private final Map<String, String> operators = new LinkedHashMap<>();
    private final Map<String, Flow<?>> definitions = new LinkedHashMap<>();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * @param port the port, 0 for any free one; default 8080
     * @return this
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * @param address the address to listen on; default 127.0.0.1 (this machine only). {@code
     *     0.0.0.0} answers every interface: put it behind TLS before operators send tokens over it
     * @return this
     */
    public Builder bind(String address) {
      if (address == null || address.isBlank()) {
        throw new IllegalArgumentException("bind address must not be blank; e.g. 127.0.0.1");
      }
      this.bind = address;
      return this;
    }

    /**
     * @param schema the schema of flowstate's tables, or null for the connections' own
     * @return this
     */
    public Builder schema(String schema) {
      this.schema = schema;
      return this;
    }

    /**
     * @param mapper reads the objects' JSON (configure it as the one that wrote them)
     * @return this
     */
    public Builder objectMapper(ObjectMapper mapper) {
      if (mapper == null) {
        throw new IllegalArgumentException("objectMapper must not be null");
      }
      this.mapper = mapper;
      return this;
    }

    /**
     * Lets the holder of {@code token} act as {@code name}: request resumes, recorded with the
     * name. Call once per operator. A null token (an unset environment variable) adds nobody.
     *
     * @param name who acts, as the history shows it
     * @param token the secret the page asks for, at least 16 characters
     * @return this
     */
    public Builder operator(String name, String token) {
      if (token == null) {
        return this;
      }
      if (name == null || name.isBlank() || name.length() > 200) {
        throw new IllegalArgumentException(
            "an operator's name must be 1 to 200 characters, got " + name);
      }
      if (token.length() < 16) {
        throw new IllegalArgumentException(
            "the token of operator "
                + name
                + " is "
                + token.length()
                + " characters; use at least 16 (e.g. openssl rand -hex 24)");
      }
      if (operators.containsKey(token)) {
        throw new IllegalArgumentException(
            "operators " + operators.get(token) + " and " + name + " have the same token");
      }
      operators.put(token, name);
      return this;
    }

    /**
     * Draws the definitions registered with {@code flowstate} as trees, with a workflow's position
     * marked.
     *
     * @param flowstate the application's Flowstate
     * @return this
     */
    public Builder definitions(Flowstate flowstate) {
      for (String name : flowstate.definitions().keySet()) {
        flowstate.definition(name).ifPresent(flow -> definitions.put(name, flow));
      }
      return this;
    }

    /**
     * @param name a definition's name
     * @param definition the definition, to draw as a tree
     * @return this
     */
    public Builder definition(String name, Flow<?> definition) {
      if (name == null || definition == null) {
        throw new IllegalArgumentException("a definition needs a name and a Flow");
      }
      definitions.put(name, definition);
      return this;
    }

    /**
     * @param every how often open pages read again; default 2 seconds
     * @return this
     */
    public Builder refresh(Duration every) {
      if (every == null || every.toMillis() < 200) {
        throw new IllegalArgumentException("refresh must be at least 200 ms, got " + every);
      }
      this.refresh = every;
      return this;
    }

    /**
     * @param threads how many requests are answered at once (others wait); default 8
     * @return this
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("threads must be 1 to 256, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running dashboard
     * @throws IllegalStateException if the address cannot be bound (the port is taken), or the
     *     schema is older than the dashboard needs
     * @throws dev.flowstate.db.StoreException if the database cannot be reached, or a MariaDB or
     *     MySQL session is not in UTC
     */
    public Dashboard start() {
      Api api = new Api(dataSource, schema, mapper, Map.copyOf(definitions));
      api.requireReadable();
      InetSocketAddress address;
      try {
        address = new InetSocketAddress(InetAddress.getByName(bind), port);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot resolve bind address " + bind, e);
      }
      HttpServer server;
      try {
        server = HttpServer.create(address, 128);
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot listen on "
                + bind
                + ":"
                + port
                + " ("
                + e.getMessage()
                + "); choose another port (--port) or stop what uses it",
            e);
      }
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor executor =
          new ThreadPoolExecutor(
              threads,
              threads,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "flowstate-dashboard-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      executor.allowCoreThreadTimeOut(true);
      server.setExecutor(executor);
      Routes routes = new Routes(api, new Operators(operators), refresh);
      server.createContext("/", routes::handle);
      server.start();
      String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bind;
      URI url =
          URI.create(
              "http://"
                  + (host.contains(":") ? "[" + host + "]" : host)
                  + ":"
                  + server.getAddress().getPort()
                  + "/");
      if (!address.getAddress().isLoopbackAddress() && !operators.isEmpty()) {
        log.warn(
            "flowstate dashboard listens on {} with operator tokens over plain HTTP: put TLS in"
                + " front of it",
            bind);
      }
      log.info(
          "flowstate dashboard at {} ({})",
          url,
          operators.isEmpty() ? "read-only: no operator token" : operators.size() + " operators");
      return new Dashboard(server, executor, url);
    }
  }
}
