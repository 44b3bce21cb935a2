package dev.flowstate.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import dev.flowstate.db.StoreException;
import dev.flowstate.db.WorkflowQuery;
import dev.flowstate.migrations.Columns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side: which path answers what, who may act, and one error shape everywhere ({@code
 * {"status": 404, "error": "no workflow with id ..."}}). Pages are one HTML shell whose script
 * reads the API; stored data reaches the page only as JSON and is shown as text.
 */
final class Routes {

  private static final Logger log = LoggerFactory.getLogger(Routes.class);

  static final int MAX_BODY = 64 * 1024;
  static final int MAX_URI = 4096;
  static final int MAX_SELECTION = 500;

  /** An answer other than 200, with its one-line message; a control-flow exception. */
  static final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private static final String PAGE_HEADERS_CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  private static final Map<String, String> ASSETS =
      Map.of(
          "/assets/app.js", "text/javascript; charset=utf-8",
          "/assets/app.css", "text/css; charset=utf-8",
          "/assets/favicon.svg", "image/svg+xml",
          "/api/openapi.json", "application/json; charset=utf-8");

  private final Api api;
  private final Operators operators;
  private final ObjectMapper json;
  private final String shell;
  private final Map<String, byte[]> assets = new LinkedHashMap<>();

  Routes(Api api, Operators operators, Duration refresh) {
    this.api = api;
    this.operators = operators;
    this.json =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    this.shell =
        new String(resource("index.html"), StandardCharsets.UTF_8)
            .replace("{{refreshMillis}}", String.valueOf(refresh.toMillis()));
    for (String path : ASSETS.keySet()) {
      assets.put(path, resource(path.substring(path.lastIndexOf('/') + 1)));
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = Routes.class.getResourceAsStream("static/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard's " + name + " is missing from its jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the dashboard's " + name, e);
    }
  }

  void handle(HttpExchange exchange) {
    try {
      route(exchange);
    } catch (HttpError e) {
      error(exchange, e.status, e.getMessage());
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage());
    } catch (IllegalStateException e) {
      error(exchange, 409, e.getMessage());
    } catch (StoreException e) {
      log.warn("dashboard request {} failed: {}", exchange.getRequestURI(), e.getMessage(), e);
      error(exchange, 503, e.getMessage());
    } catch (IOException | java.io.UncheckedIOException e) {
      // the client went away mid-answer: nothing to tell it
      log.debug("dashboard client of {} went away: {}", exchange.getRequestURI(), e.toString());
    } catch (RuntimeException e) {
      log.error("dashboard request {} failed", exchange.getRequestURI(), e);
      error(exchange, 500, "internal error; the dashboard's log has the details");
    } finally {
      exchange.close();
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String raw = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    if (raw.length() + (query == null ? 0 : query.length()) > MAX_URI) {
      throw new HttpError(414, "the address is longer than " + MAX_URI + " characters");
    }
    String method = exchange.getRequestMethod();
    String[] parts = raw.split("/", -1);
    if (raw.startsWith("/api/")) {
      if (method.equals("POST")) {
        post(exchange, raw, parts);
      } else if (method.equals("GET")) {
        get(exchange, raw, parts, Params.of(query));
      } else {
        exchange.getResponseHeaders().set("Allow", "GET, POST");
        throw new HttpError(405, method + " is not answered here; use GET to read, POST to act");
      }
      return;
    }
    if (!method.equals("GET")) {
      exchange.getResponseHeaders().set("Allow", "GET");
      throw new HttpError(405, method + " is not answered here; pages are read with GET");
    }
    String type = ASSETS.get(raw);
    if (type != null) {
      send(exchange, 200, type, assets.get(raw));
    } else if (raw.equals("/") || raw.equals("/workflows") || raw.equals("/pools")) {
      page(exchange, 200);
    } else if (parts.length == 3 && parts[1].equals("workflows")) {
      page(exchange, isUuid(parts[2]) ? 200 : 404);
    } else {
      page(exchange, 404);
    }
  }

  private void get(HttpExchange exchange, String raw, String[] parts, Params params)
      throws IOException {
    Object answer;
    if (raw.equals("/api/overview")) {
      params.only("hours");
      answer = api.overview(params.integer("hours", 3, 1, Api.MAX_HOURS));
    } else if (raw.equals("/api/workflows")) {
      answer = api.workflows(query(params));
    } else if (raw.equals("/api/pools")) {
      params.only();
      answer = api.pools();
    } else if (raw.equals("/api/definitions")) {
      params.only();
      answer = Map.of("items", api.definitionNames());
    } else if (raw.equals("/api/session")) {
      params.only();
      Map<String, Object> session = new LinkedHashMap<>();
      session.put("actions", operators.any());
      session.put("operator", operator(exchange, false));
      answer = session;
    } else if (raw.equals("/api/openapi.json")) {
      params.only();
      send(exchange, 200, ASSETS.get(raw), assets.get(raw));
      return;
    } else if (parts.length == 4 && parts[2].equals("workflows")) {
      params.only();
      answer = api.workflow(id(parts[3]));
    } else if (parts.length == 5 && parts[2].equals("workflows") && parts[4].equals("objects")) {
      params.only("after", "limit");
      answer =
          api.objects(
              id(parts[3]),
              params.integer("after", -1, -1, Integer.MAX_VALUE - 1),
              params.integer("limit", 50, 1, Api.MAX_PAGE));
    } else if (parts.length == 5 && parts[2].equals("workflows") && parts[4].equals("history")) {
      params.only("position");
      String position = params.text("position");
      answer =
          api.history(
              id(parts[3]),
              position == null ? null : params.integer("position", 0, 0, Integer.MAX_VALUE));
    } else {
      throw new HttpError(404, "no API at " + raw + "; the list is at /api/openapi.json");
    }
    sendJson(exchange, 200, answer);
  }

  private static WorkflowQuery query(Params params) {
    params.only("status", "definition", "text", "from", "to", "limit", "cursor");
    WorkflowQuery query =
        WorkflowQuery.all()
            .order(WorkflowQuery.Order.CREATED)
            .limit(params.integer("limit", 50, 1, Api.MAX_PAGE))
            .definition(params.text("definition"))
            .text(params.text("text"))
            .created(params.instant("from"), params.instant("to"))
            .after(params.text("cursor"));
    String status = params.text("status");
    return status == null ? query : query.status(Api.status(status));
  }

  private void post(HttpExchange exchange, String raw, String[] parts) throws IOException {
    refuseCrossSite(exchange);
    String operator = operator(exchange, true);
    JsonNode body = body(exchange);
    Instant at = at(body);
    String from = exchange.getRemoteAddress().getAddress().getHostAddress();
    if (parts.length == 5 && parts[2].equals("workflows") && parts[4].equals("resume")) {
      UUID id = id(parts[3]);
      try {
        sendJson(exchange, 200, api.resume(id, at, operator, from));
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith("no workflow")) {
          throw Api.notFound(id);
        }
        throw e;
      }
    } else if (raw.equals("/api/workflows/resume")) {
      JsonNode ids = body.get("ids");
      if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > MAX_SELECTION) {
        throw new HttpError(400, "ids must be a list of 1 to " + MAX_SELECTION + " workflow ids");
      }
      List<UUID> selection = new ArrayList<>(ids.size());
      ids.forEach(id -> selection.add(id(id.asText())));
      sendJson(exchange, 200, Map.of("results", api.resumeAll(selection, at, operator, from)));
    } else {
      throw new HttpError(404, "no action at " + raw + "; the list is at /api/openapi.json");
    }
  }

  /**
   * Another site's page can make a browser send a request, not read the answer; without a header it
   * cannot set, and with the browser's own word on where it came from, such a request is told apart
   * and refused.
   */
  private static void refuseCrossSite(HttpExchange exchange) {
    String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      throw new HttpError(403, "a request from another site is refused");
    }
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (origin != null
        && (host == null
            || !(origin.equals("http://" + host) || origin.equals("https://" + host)))) {
      throw new HttpError(403, "a request from origin " + origin + " is refused");
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new HttpError(415, "send the request as application/json");
    }
  }

  /** The operator of the request's token; for an action, one is required. */
  private String operator(HttpExchange exchange, boolean required) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String token =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    if (!required) {
      return operators.named(token).orElse(null);
    }
    if (!operators.any()) {
      throw new HttpError(
          403,
          "this dashboard is read-only: start it with an operator token"
              + " (FLOWSTATE_DASHBOARD_TOKEN) to act");
    }
    if (token == null) {
      throw new HttpError(401, "an operator token is needed: send Authorization: Bearer <token>");
    }
    return operators
        .named(token)
        .orElseThrow(() -> new HttpError(401, "the operator token is not valid"));
  }

  private JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new HttpError(413, "the request is larger than " + MAX_BODY / 1024 + " KiB");
    }
    if (bytes.length == 0) {
      return json.createObjectNode();
    }
    JsonNode body;
    try {
      body = json.readTree(bytes);
    } catch (IOException e) {
      throw new HttpError(400, "the request is not JSON: " + Columns.firstLine(e.getMessage()));
    }
    if (body == null || !body.isObject()) {
      throw new HttpError(400, "the request must be a JSON object");
    }
    return body;
  }

  private static Instant at(JsonNode body) {
    JsonNode at = body.get("at");
    if (at == null || at.isNull()) {
      return null;
    }
    try {
      return Instant.parse(at.asText());
    } catch (DateTimeParseException e) {
      throw new HttpError(
          400, "at " + at.asText() + " is not an instant; write it as 2026-12-07T09:30:00Z");
    }
  }

  static UUID id(String text) {
    if (!isUuid(text)) {
      throw new HttpError(
          400,
          "'"
              + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
              + "' is not a workflow id (a UUID such as 3f2b8c1e-0000-4000-8000-000000000000)");
    }
    return UUID.fromString(text);
  }

  private static boolean isUuid(String text) {
    return text.matches(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  }

  private void page(HttpExchange exchange, int status) throws IOException {
    exchange.getResponseHeaders().set("Content-Security-Policy", PAGE_HEADERS_CSP);
    exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    send(exchange, status, "text/html; charset=utf-8", shell.getBytes(StandardCharsets.UTF_8));
  }

  private void sendJson(HttpExchange exchange, int status, Object answer) throws IOException {
    send(exchange, status, "application/json; charset=utf-8", json.writeValueAsBytes(answer));
  }

  private void error(HttpExchange exchange, int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", Columns.firstLine(message));
    try {
      sendJson(exchange, status, body);
    } catch (IOException e) {
      log.debug("dashboard client went away before its error: {}", e.toString());
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** A request's query parameters, each given at most once, none unknown. */
  static final class Params {
    private final Map<String, String> values;

    private Params(Map<String, String> values) {
      this.values = values;
    }

    static Params of(String raw) {
      Map<String, String> values = new LinkedHashMap<>();
      if (raw != null && !raw.isEmpty()) {
        for (String pair : raw.split("&")) {
          if (pair.isEmpty()) {
            continue;
          }
          int eq = pair.indexOf('=');
          String name = decode(eq < 0 ? pair : pair.substring(0, eq));
          String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
          if (values.put(name, value) != null) {
            throw new HttpError(400, "parameter " + name + " is given twice");
          }
        }
      }
      return new Params(values);
    }

    private static String decode(String text) {
      try {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new HttpError(400, "the address has a bad %-escape");
      }
    }

    void only(String... known) {
      Set<String> allowed = Set.of(known);
      for (String name : values.keySet()) {
        if (!allowed.contains(name)) {
          throw new HttpError(
              400,
              "unknown parameter "
                  + (name.length() > 40 ? name.substring(0, 40) + "..." : name)
                  + (known.length == 0
                      ? "; this address takes none"
                      : "; known: " + List.of(known)));
        }
      }
    }

    /** The value, or null when absent or empty (an empty filter field filters nothing). */
    String text(String name) {
      String value = values.get(name);
      return value == null || value.isEmpty() ? null : value;
    }

    int integer(String name, int absent, int min, int max) {
      String value = text(name);
      if (value == null) {
        return absent;
      }
      try {
        int n = Integer.parseInt(value);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // said below
      }
      throw new HttpError(400, name + " must be a whole number from " + min + " to " + max);
    }

    Instant instant(String name) {
      String value = text(name);
      if (value == null) {
        return null;
      }
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new HttpError(
            400, name + " " + value + " is not an instant; write it as 2026-12-07T09:30:00Z");
      }
    }
  }
}
