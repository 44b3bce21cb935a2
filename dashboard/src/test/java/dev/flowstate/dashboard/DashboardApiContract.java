package dev.flowstate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's HTTP API on every database (issue 24): what each endpoint answers, one error
 * shape for every refusal, actions only with an operator's token and never from another site, and a
 * server that outlives clients that go away. One subclass per database.
 */
abstract class DashboardApiContract {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ALICE = "Authorization";
  static final String BEARER = "Bearer " + Fixture.ALICE_TOKEN;

  Fixture fixture;

  abstract Fixture fixture();

  @BeforeEach
  void open() {
    fixture = fixture();
  }

  @AfterEach
  void close() throws Exception {
    fixture.close();
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  /** The one error shape: the status code in the body too, and a one-line message. */
  static void assertError(HttpResponse<String> response, int status, String message)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("application/json; charset=utf-8");
    JsonNode body = json(response);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("error").asText()).isEqualTo(message).doesNotContain("\n");
    assertThat(body.size()).isEqualTo(2);
  }

  @Test
  void overview_countsWorkflowsByDefinitionAndLabel_perMinuteDoneAndPools() throws Exception {
    fixture.start();
    fixture.halted("A");
    fixture.halted("B");
    fixture.failed();
    fixture.halting.set(false);
    fixture.halted("C"); // not halting now: it completes

    JsonNode overview = json(fixture.get("/api/overview?hours=1"));

    assertThat(overview.get("totals").toString())
        .isEqualTo(
            "{\"Error\":1,\"Halted\":2,\"Interrupted\":0,\"Stalled\":0,\"Running\":0,\"New\":0,"
                + "\"Completed\":1}");
    assertThat(overview.get("definitions").toString())
        .isEqualTo("{\"imports\":{\"Error\":1},\"orders\":{\"Halted\":2,\"Completed\":1}}");
    long completed = 0;
    for (JsonNode minute : overview.get("perMinute")) {
      completed += minute.get("completed").asLong();
    }
    assertThat(completed).isEqualTo(1);
    assertThat(overview.get("perMinute").size()).isBetween(61, 62);
    assertThat(overview.get("pools").isArray()).isTrue();
    assertThat(overview.get("schemaVersion").asText()).isNotBlank();
    assertThat(overview.get("database").get("url").asText()).doesNotContain("password");

    // the rest is counted on every refresh, COMPLETED (most of a table) once a minute
    fixture.halting.set(true);
    fixture.halted("D");
    fixture.halting.set(false);
    fixture.halted("E"); // completes
    JsonNode again = json(fixture.get("/api/overview?hours=1"));
    assertThat(again.get("totals").get("Halted").asInt()).isEqualTo(3);
    assertThat(again.get("totals").get("Completed").asInt()).isEqualTo(1);
    assertThat(again.get("completedCountedAt")).isEqualTo(overview.get("completedCountedAt"));
  }

  @Test
  void workflowList_filtersByStatusDefinitionAndText_andPagesByCursor() throws Exception {
    fixture.start();
    UUID halted = fixture.halted("Ada");
    UUID failed = fixture.failed();
    List<UUID> submitted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      submitted.add(fixture.submitted(new Fixture.Order("o" + i, null)));
    }

    assertThat(ids("/api/workflows?status=HALTED")).containsExactly(halted);
    assertThat(ids("/api/workflows?definition=imports")).containsExactly(failed);
    assertThat(ids("/api/workflows?text=declined%20FOR%20ada")).containsExactly(halted);
    assertThat(ids("/api/workflows?text=bad+date")).containsExactly(failed);
    assertThat(ids("/api/workflows?status=NEW&text=declined")).isEmpty();

    List<UUID> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          json(fixture.get("/api/workflows?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)));
      page.get("items").forEach(w -> seen.add(UUID.fromString(w.get("id").asText())));
      cursor = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
    } while (cursor != null);
    assertThat(seen).hasSize(7).doesNotHaveDuplicates().contains(halted, failed);
    assertThat(seen).containsAll(submitted);
    assertThat(pages).isEqualTo(3);

    JsonNode first = json(fixture.get("/api/workflows?status=HALTED")).get("items").get(0);
    assertThat(first.get("label").asText()).isEqualTo("Halted");
    assertThat(first.get("haltMessage").asText())
        .isEqualTo("Payment declined for Ada: call the customer");
    assertThat(first.get("objects").asInt()).isEqualTo(1);
    assertThat(first.get("stuck").asInt()).isEqualTo(1);
    JsonNode error = json(fixture.get("/api/workflows?status=ERROR")).get("items").get(0);
    assertThat(error.get("lastError").asText()).doesNotContain("\n").contains("line 3: bad date");
  }

  private List<UUID> ids(String path) throws Exception {
    HttpResponse<String> response = fixture.get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<UUID> ids = new ArrayList<>();
    json(response).get("items").forEach(w -> ids.add(UUID.fromString(w.get("id").asText())));
    return ids;
  }

  @Test
  void badFiltersIdsAndCursors_getA400_sayingWhatWasWrong() throws Exception {
    fixture.start();
    assertError(
        fixture.get("/api/workflows?status=STUCK"),
        400,
        "status STUCK is not one of [NEW, RUNNING, HALTED, ERROR, COMPLETED]");
    assertError(
        fixture.get("/api/workflows?limit=0"), 400, "limit must be a whole number from 1 to 500");
    assertError(
        fixture.get("/api/workflows?from=yesterday"),
        400,
        "from yesterday is not an instant; write it as 2026-12-07T09:30:00Z");
    assertError(
        fixture.get("/api/workflows?colour=red"),
        400,
        "unknown parameter colour; known: [status, definition, text, from, to, limit, cursor]");
    assertError(
        fixture.get("/api/workflows?cursor=abc"),
        400,
        "cursor abc is not one a page gave; start again from the first page");
    assertError(
        fixture.get("/api/workflows?status=NEW&status=HALTED"),
        400,
        "parameter status is given twice");
    assertError(
        fixture.get("/api/workflows?text=" + "x".repeat(201)),
        400,
        "text must be at most 200 characters, got 201");
    assertError(
        fixture.get("/api/workflows/42"),
        400,
        "'42' is not a workflow id (a UUID such as 3f2b8c1e-0000-4000-8000-000000000000)");
    assertError(
        fixture.get("/api/overview?hours=99"), 400, "hours must be a whole number from 1 to 48");
    assertError(
        fixture.get("/api/workflows/" + UUID.randomUUID() + "/objects?limit=9999"),
        400,
        "limit must be a whole number from 1 to 500");
    assertError(
        fixture.get("/api/" + "x".repeat(5000)), 414, "the address is longer than 4096 characters");
  }

  @Test
  void unknownWorkflowsAndPaths_are404() throws Exception {
    fixture.start();
    UUID unknown = UUID.randomUUID();
    assertError(fixture.get("/api/workflows/" + unknown), 404, "no workflow with id " + unknown);
    assertError(
        fixture.get("/api/workflows/" + unknown + "/objects"),
        404,
        "no workflow with id " + unknown);
    assertError(
        fixture.get("/api/workflows/" + unknown + "/history"),
        404,
        "no workflow with id " + unknown);
    assertError(
        fixture.get("/api/nothing"),
        404,
        "no API at /api/nothing; the list is at /api/openapi.json");
    assertThat(fixture.get("/nothing").statusCode()).isEqualTo(404);
    assertThat(fixture.get("/workflows/not-an-id").statusCode()).isEqualTo(404);
  }

  @Test
  void workflow_showsItsHaltPosition_theTree_objectsAndTheirHistory() throws Exception {
    fixture.start();
    UUID id = fixture.halted("Ada");

    JsonNode detail = json(fixture.get("/api/workflows/" + id));
    JsonNode w = detail.get("workflow");
    assertThat(w.get("statusLabel").asText()).isEqualTo("Halted");
    assertThat(w.get("haltMessage").asText())
        .isEqualTo("Payment declined for Ada: call the customer");
    assertThat(w.get("callbackPos").toString()).isEqualTo("[1,0]");
    assertThat(w.get("tokenPos").asInt()).isZero();
    assertThat(detail.get("definition").get("known").asBoolean()).isTrue();
    assertThat(detail.get("definition").get("tree").toString())
        .isEqualTo(
            "[{\"path\":[0],\"name\":\"reserve\"},{\"path\":[1],\"children\":["
                + "{\"path\":[1,0],\"name\":\"charge card\"},{\"path\":[1,1],\"name\":\"send receipt\"}]},"
                + "{\"path\":[2],\"name\":\"ship\"}]");
    assertThat(detail.get("actions").size()).isZero();

    JsonNode objects = json(fixture.get("/api/workflows/" + id + "/objects"));
    assertThat(objects.get("items").get(0).get("status").asText()).isEqualTo("HALTED");
    assertThat(objects.get("items").get(0).get("data").get("name").asText()).isEqualTo("Ada");
    assertThat(objects.get("next").isNull()).isTrue();

    JsonNode history = json(fixture.get("/api/workflows/" + id + "/history?position=0"));
    assertThat(history.get("items").get(0).get("outcome").asText()).isEqualTo("HALTED");
    assertThat(history.get("items").get(0).get("durationMillis").asDouble()).isNotNegative();
  }

  @Test
  void objects_pageByCursor_inPositionOrder() throws Exception {
    fixture.start();
    Fixture.Order[] orders = new Fixture.Order[7];
    for (int i = 0; i < orders.length; i++) {
      orders[i] = new Fixture.Order("o" + i, null);
    }
    UUID id = fixture.submitted(orders);

    JsonNode first = json(fixture.get("/api/workflows/" + id + "/objects?limit=3"));
    JsonNode second =
        json(
            fixture.get(
                "/api/workflows/" + id + "/objects?limit=3&after=" + first.get("next").asText()));
    JsonNode third =
        json(
            fixture.get(
                "/api/workflows/" + id + "/objects?limit=3&after=" + second.get("next").asText()));

    assertThat(first.get("items").findValuesAsText("name")).containsExactly("o0", "o1", "o2");
    assertThat(second.get("items").findValuesAsText("name")).containsExactly("o3", "o4", "o5");
    assertThat(third.get("items").findValuesAsText("name")).containsExactly("o6");
    assertThat(third.get("next").isNull()).isTrue();
  }

  @Test
  void resume_needsAnOperatorsToken_andIsRecordedWithWhoAsked() throws Exception {
    fixture.start();
    UUID id = fixture.halted("Ada");
    String path = "/api/workflows/" + id + "/resume";

    assertError(
        fixture.post(path, "{}"),
        401,
        "an operator token is needed: send Authorization: Bearer <token>");
    assertError(
        fixture.post(path, "{}", ALICE, "Bearer wrong-token-wrong-token"),
        401,
        "the operator token is not valid");
    assertError(
        fixture.post(path, "{}", ALICE, BEARER, "Origin", "http://evil.example"),
        403,
        "a request from origin http://evil.example is refused");
    assertError(
        fixture.post(path, "{}", ALICE, BEARER, "Sec-Fetch-Site", "cross-site"),
        403,
        "a request from another site is refused");
    assertError(
        fixture.post(path, "{}", ALICE, BEARER, "Content-Type", "text/plain"),
        415,
        "send the request as application/json");
    assertError(
        fixture.post(path, "{\"at\": \"soon\"}", ALICE, BEARER),
        400,
        "at soon is not an instant; write it as 2026-12-07T09:30:00Z");
    assertError(fixture.post(path, "[1]", ALICE, BEARER), 400, "the request must be a JSON object");
    assertThat(json(fixture.get("/api/workflows/" + id)).get("actions").size())
        .as("nothing recorded by a refused request")
        .isZero();

    HttpResponse<String> asked =
        fixture.post(path, "{\"at\": \"2030-01-02T03:04:05Z\"}", ALICE, BEARER);

    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
    assertThat(json(asked).get("requestedBy").asText()).isEqualTo("alice");
    JsonNode detail = json(fixture.get("/api/workflows/" + id));
    assertThat(detail.get("workflow").get("resumeAt").asText()).isEqualTo("2030-01-02T03:04:05Z");
    JsonNode action = detail.get("actions").get(0);
    assertThat(action.get("action").asText()).isEqualTo("RESUME");
    assertThat(action.get("requestedBy").asText()).isEqualTo("alice");
    assertThat(action.get("requestedFrom").asText()).isEqualTo("127.0.0.1");
    assertThat(action.get("resumeAt").asText()).isEqualTo("2030-01-02T03:04:05Z");
    assertThat(json(fixture.get("/api/session")).toString())
        .isEqualTo("{\"actions\":true,\"operator\":null}");
  }

  @Test
  void resume_ofACompletedWorkflowIs409_unknownIs404_andASelectionAnswersEachId() throws Exception {
    fixture.start();
    UUID halted = fixture.halted("Ada");
    UUID failed = fixture.failed();
    UUID completed = fixture.submitted(new Fixture.Order("x", null));
    fixture.update("UPDATE fs_workflow SET status = 'COMPLETED' WHERE id = '" + completed + "'");
    UUID unknown = UUID.randomUUID();

    assertError(
        fixture.post("/api/workflows/" + completed + "/resume", "{}", ALICE, BEARER),
        409,
        "workflow "
            + completed
            + " is COMPLETED: every object was processed, there is nothing to resume");
    assertError(
        fixture.post("/api/workflows/" + unknown + "/resume", "{}", ALICE, BEARER),
        404,
        "no workflow with id " + unknown);

    JsonNode results =
        json(fixture.post(
                "/api/workflows/resume",
                "{\"ids\": [\""
                    + halted
                    + "\", \""
                    + completed
                    + "\", \""
                    + failed
                    + "\", \""
                    + unknown
                    + "\"]}",
                ALICE,
                BEARER))
            .get("results");
    assertThat(results.findValuesAsText("status")).containsExactly("200", "409", "200", "404");
    assertThat(results.get(0).get("action").get("requestedBy").asText()).isEqualTo("alice");
    assertError(
        fixture.post("/api/workflows/resume", "{\"ids\": []}", ALICE, BEARER),
        400,
        "ids must be a list of 1 to 500 workflow ids");
  }

  @Test
  void aDashboardWithoutOperators_isReadOnly() throws Exception {
    fixture.start(Dashboard.builder(fixture.dataSource));
    UUID id = fixture.halted("Ada");

    assertError(
        fixture.post("/api/workflows/" + id + "/resume", "{}", ALICE, BEARER),
        403,
        "this dashboard is read-only: start it with an operator token (FLOWSTATE_DASHBOARD_TOKEN) to act");
    assertThat(json(fixture.get("/api/session")).toString())
        .isEqualTo("{\"actions\":false,\"operator\":null}");
  }

  @Test
  void oversizedRequest_is413_andWrongMethod_is405() throws Exception {
    fixture.start();
    UUID id = fixture.halted("Ada");
    assertError(
        fixture.post(
            "/api/workflows/" + id + "/resume",
            "{\"x\": \"" + "y".repeat(70_000) + "\"}",
            ALICE,
            BEARER),
        413,
        "the request is larger than 64 KiB");
    HttpResponse<String> delete =
        fixture.http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(fixture.url("/api/workflows")))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(delete, 405, "DELETE is not answered here; use GET to read, POST to act");
  }

  @Test
  void pages_haveTheirOwnAddresses_andASecurityPolicyThatAllowsNoInlineScript() throws Exception {
    fixture.start();
    UUID id = fixture.halted("Ada");
    for (String page : List.of("/", "/workflows", "/pools", "/workflows/" + id)) {
      HttpResponse<String> response = fixture.get(page);
      assertThat(response.statusCode()).as(page).isEqualTo(200);
      assertThat(response.body()).contains("<script src=\"/assets/app.js\" defer></script>");
      assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("script-src 'self';")
          .contains("frame-ancestors 'none'");
      assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
    assertThat(fixture.get("/assets/app.js").headers().firstValue("Content-Type"))
        .contains("text/javascript; charset=utf-8");
  }

  @Test
  void openApi_describesEveryEndpoint() throws Exception {
    fixture.start();
    JsonNode api = json(fixture.get("/api/openapi.json"));
    assertThat(api.get("openapi").asText()).isEqualTo("3.0.3");
    List<String> paths = new ArrayList<>();
    api.get("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "/api/overview",
            "/api/workflows",
            "/api/workflows/{id}",
            "/api/workflows/{id}/objects",
            "/api/workflows/{id}/history",
            "/api/workflows/{id}/resume",
            "/api/workflows/resume",
            "/api/pools",
            "/api/definitions",
            "/api/session",
            "/api/openapi.json");
  }

  @Test
  void storedMarkup_isAnsweredAsJsonText() throws Exception {
    fixture.start();
    UUID id =
        fixture.submitted(
            new Fixture.Order("<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>"));

    HttpResponse<String> objects = fixture.get("/api/workflows/" + id + "/objects");

    assertThat(objects.headers().firstValue("Content-Type"))
        .contains("application/json; charset=utf-8");
    JsonNode data = json(objects).get("items").get(0).get("data");
    assertThat(data.get("name").asText()).isEqualTo("<script>alert(1)</script>");
    assertThat(data.get("note").asText()).isEqualTo("\"><img src=x onerror=alert(2)>");
  }

  @Test
  void aClientLeavingMidAnswer_andAHundredConcurrentLoads_leaveTheServerAnswering()
      throws Exception {
    fixture.start();
    for (int i = 0; i < 30; i++) {
      fixture.halted("customer " + i);
    }
    for (int i = 0; i < 20; i++) {
      try (Socket socket = new Socket("127.0.0.1", fixture.dashboard.port())) {
        socket.setSoLinger(true, 0); // a reset, not a polite close
        OutputStream out = socket.getOutputStream();
        out.write(
            ("GET /api/workflows?limit=500 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        in.read(new byte[10]);
      }
    }
    ExecutorService loads = Executors.newFixedThreadPool(25);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String path = List.of("/", "/api/overview", "/api/workflows", "/assets/app.js").get(i % 4);
        answers.add(loads.submit(() -> fixture.get(path).statusCode()));
      }
      for (Future<Integer> answer : answers) {
        assertThat(answer.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      loads.shutdownNow();
    }
    assertThat(fixture.get("/api/workflows?status=HALTED&limit=500").statusCode()).isEqualTo(200);
  }
}
