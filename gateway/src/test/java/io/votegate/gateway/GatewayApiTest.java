package io.votegate.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.votegate.model.Keys;
import io.votegate.model.ReceiptStatus;
import io.votegate.model.SessionTokens;
import io.votegate.model.Topics;
import io.votegate.model.VoterCodes;
import io.votegate.model.VoterId;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.testkit.Infra;
import io.votegate.testkit.VoterClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The gateway's HTTP contract on a real Kafka broker and Redis: good requests publish, bad ones change nothing. */
class GatewayApiTest {
  private static final String VOTER_DE = "DE10003-00000007";
  private static final String VOTER_RI = "RI44007-00000011";

  private static TestGateway gw;
  private static String base;
  private static VoterClient client;
  private long ballotsBefore;

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new TestGateway(Map.of());
    base = gw.base;
    client = gw.client;
  }

  @AfterAll
  static void stopGateway() throws Exception {
    gw.close();
  }

  @BeforeEach
  void countBallots() {
    ballotsBefore = publishedCount();
  }

  // --- what works -------------------------------------------------------------------------------------------------

  @Test
  void theElectionIsPublicWithContestsAndPollWindows() throws Exception {
    var response = client.send("GET", "/api/v1/election", null, null, null);
    assertEquals(200, response.statusCode());
    var election = new JsonObject(response.body());
    assertEquals("demo", election.getString("id"));
    assertEquals(2, election.getJsonArray("contests").size());
    assertNotNull(election.getJsonArray("states").getJsonObject(0).getString("closes"));
  }

  @Test
  void signingInReturnsATokenAndOnlyTheContestsOnThisVotersBallot() throws Exception {
    var session = signIn(VOTER_DE);
    assertEquals(VOTER_DE, session.getString("voterId"));
    assertEquals("DE", session.getString("state"));
    assertEquals("10003", session.getString("county"));
    var contests = session.getJsonObject("ballot").getJsonArray("contests");
    assertEquals(1, contests.size());
    assertEquals("president", contests.getJsonObject(0).getString("id"));
    assertEquals(2, signIn(VOTER_RI).getJsonObject("ballot").getJsonArray("contests").size());
  }

  @Test
  void aValidBallotIsAcknowledgedAfterKafkaHasItKeyedByStateAndARetryGetsTheSameReceipt() throws Exception {
    var token = signIn(VOTER_RI).getString("token");
    var body = "{\"selections\":{\"president\":[\"rep\"],\"council\":[\"ahn\",\"santos\"]}}";
    var first = client.send("POST", "/api/v1/ballots", token, "application/json", body);
    assertEquals(202, first.statusCode(), first.body());
    var receipt = new JsonObject(first.body());
    assertEquals("pending", receipt.getString("status"));
    assertEquals(java.util.Set.of("receipt", "status", "links"), receipt.fieldNames(), first.body());
    assertEquals(new JsonObject()
        .put("status", "/api/v1/receipts/" + receipt.getString("receipt"))
        .put("events", "/api/v1/receipts/" + receipt.getString("receipt") + "/events"), receipt.getJsonObject("links"));
    assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    var again = new JsonObject(client.send("POST", "/api/v1/ballots", token, "application/json", body).body());
    assertEquals(receipt.getString("receipt"), again.getString("receipt"));

    var all = ballotsOnTopic();
    var published = all.subList(all.size() - 2, all.size());
    for (var record : published) {
      assertEquals("RI", record.key());
      var ballot = new JsonObject(record.value());
      assertEquals(VOTER_RI, ballot.getString("voterId"));
      assertEquals(receipt.getString("receipt"), ballot.getString("receipt"));
      assertEquals(new JsonArray().add("ahn").add("santos"), ballot.getJsonObject("selections").getJsonArray("council"));
    }
    var status = client.send("GET", "/api/v1/receipts/" + receipt.getString("receipt"), null, null, null);
    assertEquals(200, status.statusCode());
    assertEquals("pending", new JsonObject(status.body()).getString("status"));
  }

  @Test
  void aWaitingVoterSeesTheDecisionPublishedForTheirReceiptAndNoOtherOne() throws Exception {
    var token = token(VOTER_DE);
    var body = "{\"selections\":{\"president\":[\"dem\"]}}";
    var receipt = new JsonObject(client.send("POST", "/api/v1/ballots", token, "application/json", body).body())
        .getString("receipt");
    var other = new JsonObject(client.send("POST", "/api/v1/ballots", token(VOTER_RI), "application/json", body)
        .body()).getString("receipt");
    double watchedBefore = watchedReceipts();
    // Two streams of the same receipt (a voter's two tabs), and one of another receipt.
    var tab = client.events("/api/v1/receipts/" + receipt + "/events", null, null);
    var secondTab = client.events("/api/v1/receipts/" + receipt + "/events", null, null);
    var otherStream = client.events("/api/v1/receipts/" + other + "/events", null, null);
    for (var stream : List.of(tab, secondTab, otherStream)) {
      assertEquals("pending", VoterClient.next(stream, "status").getString("status"));
    }

    // As the ballot-server does: the status set, then the notice published, with a decision nobody here watches.
    var at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    var counted = ReceiptStatus.counted(receipt, at).toJson().encode();
    var unwatched = ReceiptStatus.counted("nobody-watches-this", at).toJson().encode();
    var redis = Redis.createClient(gw.vertx, gw.infra.redisUri());
    try {
      redis.send(Request.cmd(Command.SET).arg(ReceiptStatus.redisKey(receipt)).arg(counted))
          .compose(set -> redis.send(Request.cmd(Command.PUBLISH).arg(ReceiptStatus.CHANNEL)
              .arg(ReceiptStatus.noticeOf(List.of(unwatched, counted)))))
          .await(10, TimeUnit.SECONDS);
    } finally {
      redis.close();
    }
    for (var stream : List.of(tab, secondTab)) {
      var status = VoterClient.next(stream, "status");
      assertEquals("counted", status.getString("status"));
      assertEquals(receipt, status.getString("receipt"));
    }
    assertNull(otherStream.poll(1, TimeUnit.SECONDS), "a decision for another receipt reaches no other stream");
    // The two ended streams stopped watching; the other receipt's is still open.
    assertEquals(watchedBefore + 1, watchedReceipts());
  }

  private static double watchedReceipts() throws Exception {
    assertTrue(client.get("/metrics").body().contains("\nvotegate_gateway_receipts_watched "),
        "the gauge of watched receipts is exported");
    return client.metric("votegate_gateway_receipts_watched");
  }

  // --- what every response carries -------------------------------------------------------------------------------

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    var token = token(VOTER_DE);
    var ballot = client.send("POST", "/api/v1/ballots", token, "application/json", "{\"selections\":{}}");
    var receipt = new JsonObject(ballot.body()).getString("receipt");
    ballotsBefore = publishedCount();
    for (var response : List.of(
        client.send("GET", "/", null, null, null),
        client.send("POST", "/api/v1/sessions", null, "application/json",
            "{\"voterId\":\"" + VOTER_RI + "\",\"code\":\"" + gw.code(VOTER_RI) + "\"}"),
        ballot,
        client.send("GET", "/api/v1/receipts/" + receipt, null, null, null),
        client.send("GET", "/receipt/" + receipt, null, null, null),
        client.send("GET", "/api/v1/nothing-here", null, null, null))) {
      var headers = response.headers();
      var where = response.request().method() + " " + response.request().uri() + " " + response.statusCode();
      var csp = headers.firstValue("Content-Security-Policy").orElse("");
      assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
          && csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'none'"), where + ": " + csp);
      assertFalse(csp.contains("unsafe-inline"), where);
      assertEquals("nosniff", headers.firstValue("X-Content-Type-Options").orElse(""), where);
      assertEquals("DENY", headers.firstValue("X-Frame-Options").orElse(""), where);
      assertEquals("no-referrer", headers.firstValue("Referrer-Policy").orElse(""), where);
      assertEquals("no-store", headers.firstValue("Cache-Control").orElse(""), where + ": tokens and receipts are private");
    }
  }

  @Test
  void pagesHaveNothingInlineForTheirPolicyToForbid() throws Exception {
    var page = client.send("GET", "/", null, null, null).body();
    assertFalse(page.contains("<style"), page);
    assertFalse(page.contains("<script>"), page);
    assertFalse(page.contains(" style="), page);
    var css = client.send("GET", "/assets/votegate.css", null, null, null);
    assertEquals(200, css.statusCode());
    assertTrue(css.headers().firstValue("content-type").orElse("").startsWith("text/css"));
    assertTrue(css.headers().firstValue("cache-control").orElse("").contains("max-age"),
        "assets are shared: " + css.headers().map());
    var script = client.send("GET", "/assets/receipt.js", null, null, null);
    assertEquals(200, script.statusCode());
    assertTrue(script.body().contains("EventSource"));
    assertProblem(404, "not_found", client.send("GET", "/assets/../../etc/passwd", null, null, null));
  }

  @Test
  void headWorksWhereGetDoes() throws Exception {
    var token = token(VOTER_DE);
    var receipt = new JsonObject(client.send("POST", "/api/v1/ballots", token, "application/json",
        "{\"selections\":{}}").body()).getString("receipt");
    ballotsBefore = publishedCount();
    for (var path : List.of("/", "/api/v1/election", "/api/v1/receipts/" + receipt, "/api/v1/receipts/" + receipt + "/events",
        "/receipt/" + receipt, "/receipt", "/assets/votegate.css", "/health/live", "/health/ready", "/metrics")) {
      var head = rawHead(path);
      assertTrue(head.startsWith("HTTP/1.1 200 "), "HEAD " + path + ": " + head);
      // Vert.x's StaticHandler leaves out the type on HEAD; our own handlers keep every header GET has.
      assertTrue(path.startsWith("/assets/") || head.toLowerCase(java.util.Locale.ROOT).contains("\r\ncontent-type: "),
          "HEAD " + path + ": " + head);
      assertTrue(head.endsWith("\r\n\r\n"), "HEAD " + path + " sent a body: " + head);
    }
  }

  /** What the server sends for a HEAD, read off the socket: an HTTP client would hide a body sent by mistake. */
  private static String rawHead(String path) throws Exception {
    var uri = java.net.URI.create(base);
    try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("HEAD " + path + " HTTP/1.1\r\nHost: votegate\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var answer = new java.io.ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(answer);
      } catch (java.net.SocketTimeoutException keptOpen) {
        // a stream's HEAD is answered, then the connection may linger: what came is the answer
      }
      return answer.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  // --- bad input: a clear problem+json error, and nothing written -------------------------------------------------

  @Test
  void malformedJsonIsRefused() throws Exception {
    assertProblem(400, "malformed", client.send("POST", "/api/v1/sessions", null, "application/json", "{\"voterId\":"));
    assertProblem(400, "malformed", client.send("POST", "/api/v1/sessions", null, "application/json",
        "[".repeat(5_000) + "]".repeat(5_000)));
    var code = gw.code(VOTER_DE);
    assertProblem(400, "malformed", client.send("POST", "/api/v1/sessions", null, "application/json",
        "{\"voterId\":\"" + VOTER_DE + "\",\"code\":\"" + code + "\"} {\"voterId\":\"" + VOTER_RI + "\"}"));
    assertProblem(400, "malformed", client.send("POST", "/api/v1/sessions", null, "application/json", ""));
  }

  @Test
  void aDuplicateFieldIsRefusedNotGuessed() throws Exception {
    var code = gw.code(VOTER_DE);
    var problem = assertProblem(400, "malformed", client.send("POST", "/api/v1/sessions", null, "application/json",
        "{\"voterId\":\"" + VOTER_DE + "\",\"code\":\"" + code + "\",\"voterId\":\"" + VOTER_RI + "\"}"));
    assertTrue(problem.getJsonArray("errors").getJsonObject(0).getString("message").contains("voterId"));
    var ballot = client.send("POST", "/api/v1/ballots", token(VOTER_DE), "application/json",
        "{\"selections\":{\"president\":[\"dem\"],\"president\":[\"rep\"]}}");
    assertProblem(400, "malformed", ballot);
  }

  @Test
  void wrongTypesAreRefusedNamingEachField() throws Exception {
    var response = client.send("POST", "/api/v1/sessions", null, "application/json", "{\"voterId\":12,\"code\":true}");
    var problem = assertProblem(400, "malformed", response);
    assertEquals(List.of("voterId", "code"), fields(problem));
    var ballot = client.send("POST", "/api/v1/ballots", token(VOTER_DE), "application/json",
        "{\"selections\":{\"president\":\"dem\"}}");
    assertEquals(List.of("selections.president"), fields(assertProblem(400, "malformed", ballot)));
  }

  @Test
  void unknownFieldsAreRefused() throws Exception {
    var response = client.send("POST", "/api/v1/sessions", null, "application/json",
        "{\"voterId\":\"" + VOTER_DE + "\",\"code\":\"X\",\"admin\":true}");
    assertEquals(List.of("admin"), fields(assertProblem(400, "malformed", response)));
    var ballot = client.send("POST", "/api/v1/ballots", token(VOTER_DE), "application/json",
        "{\"selections\":{},\"voterId\":\"DE10003-00000001\"}");
    assertEquals(List.of("voterId"), fields(assertProblem(400, "malformed", ballot)));
  }

  @Test
  void aJsonArrayInsteadOfAnObjectIsRefused() throws Exception {
    assertProblem(400, "malformed", client.send("POST", "/api/v1/sessions", null, "application/json", "[1,2]"));
    assertProblem(400, "malformed", client.send("POST", "/api/v1/ballots", token(VOTER_DE), "application/json", "[]"));
  }

  @Test
  void aWrongContentTypeIsRefused() throws Exception {
    assertProblem(415, "unsupported_media_type",
        client.send("POST", "/api/v1/ballots", token(VOTER_DE), "text/plain", "{\"selections\":{}}"));
  }

  @Test
  void aBodyOver16KiBIsRefused() throws Exception {
    var huge = "{\"selections\":{\"president\":[\"" + "x".repeat(17 * 1024) + "\"]}}";
    assertProblem(413, "too_large", client.send("POST", "/api/v1/ballots", token(VOTER_DE), "application/json", huge));
  }

  @Test
  void aWrongCodeOrAnUnknownVoterGetTheSameAnswer() throws Exception {
    var wrongCode = client.send("POST", "/api/v1/sessions", null, "application/json",
        "{\"voterId\":\"" + VOTER_DE + "\",\"code\":\"0000000000\"}");
    var unknownVoter = client.send("POST", "/api/v1/sessions", null, "application/json",
        "{\"voterId\":\"ZZ99999-00000001\",\"code\":\"0000000000\"}");
    assertEquals(assertProblem(401, "invalid_credentials", wrongCode).getString("detail"),
        assertProblem(401, "invalid_credentials", unknownVoter).getString("detail"));
  }

  @Test
  void anUnknownContestIsRefused() throws Exception {
    assertBallotProblem("{\"selections\":{\"mayor\":[\"dem\"]}}", "unknown_contest", "mayor", null);
  }

  @Test
  void anUnknownCandidateIsRefused() throws Exception {
    assertBallotProblem("{\"selections\":{\"president\":[\"nobody\"]}}", "unknown_candidate", "president", "nobody");
  }

  @Test
  void anOvervoteIsRefused() throws Exception {
    assertBallotProblem("{\"selections\":{\"president\":[\"dem\",\"rep\"]}}", "overvote", "president", null);
  }

  @Test
  void aDuplicateChoiceIsRefused() throws Exception {
    var response = client.send("POST", "/api/v1/ballots", token(VOTER_RI), "application/json",
        "{\"selections\":{\"council\":[\"ahn\",\"ahn\"]}}");
    var errors = assertProblem(400, "invalid_ballot", response).getJsonArray("errors");
    assertEquals(new JsonObject().put("code", "duplicate_choice").put("contest", "council").put("candidate", "ahn"),
        errors.getJsonObject(0));
  }

  @Test
  void aContestNotOnThisVotersBallotIsRefused() throws Exception {
    assertBallotProblem("{\"selections\":{\"council\":[\"ahn\"]}}", "contest_not_on_ballot", "council", null);
  }

  @Test
  void aMissingTokenIsRefused() throws Exception {
    assertProblem(401, "invalid_token",
        client.send("POST", "/api/v1/ballots", null, "application/json", "{\"selections\":{}}"));
  }

  @Test
  void aForgedTokenIsRefused() throws Exception {
    var bytes = Base64.getUrlDecoder().decode(token(VOTER_DE));
    bytes[20] ^= 1;
    var forged = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    assertProblem(401, "invalid_token",
        client.send("POST", "/api/v1/ballots", forged, "application/json", "{\"selections\":{}}"));
  }

  @Test
  void aTokenOfAnotherElectionIsRefused() throws Exception {
    var other = new SessionTokens(gw.keys.token())
        .issue("us-2020", VoterId.parse(VOTER_DE).orElseThrow(), Instant.now(), Duration.ofMinutes(30));
    assertProblem(401, "invalid_token",
        client.send("POST", "/api/v1/ballots", other, "application/json", "{\"selections\":{}}"));
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    var expired = new SessionTokens(gw.keys.token())
        .issue("demo", VoterId.parse(VOTER_DE).orElseThrow(), Instant.now().minusSeconds(3600), Duration.ofMinutes(30));
    assertProblem(401, "expired_token",
        client.send("POST", "/api/v1/ballots", expired, "application/json", "{\"selections\":{}}"));
  }

  @Test
  void aForgedOrMalformedReceiptIsUnknown() throws Exception {
    assertProblem(404, "unknown_receipt", client.send("GET", "/api/v1/receipts/" + "A".repeat(32), null, null, null));
    assertProblem(404, "unknown_receipt", client.send("GET", "/api/v1/receipts/not-a-receipt", null, null, null));
    assertProblem(404, "unknown_receipt", client.send("GET", "/api/v1/receipts/%00%FF/events", null, null, null));
  }

  @Test
  void aWrongMethodIsRefused() throws Exception {
    assertProblem(405, "method_not_allowed", client.send("DELETE", "/api/v1/ballots", null, null, null));
    assertProblem(405, "method_not_allowed", client.send("GET", "/api/v1/sessions", null, null, null));
  }

  @Test
  void anUnknownPathIsNotFound() throws Exception {
    assertProblem(404, "not_found", client.send("GET", "/api/v1/nothing-here", null, null, null));
  }

  @Test
  void healthAndMetricsAreServed() throws Exception {
    assertEquals(200, client.send("GET", "/health/live", null, null, null).statusCode());
    assertEquals(200, client.send("GET", "/health/ready", null, null, null).statusCode());
    client.send("GET", "/api/v1/election", null, null, null);
    var metrics = client.send("GET", "/metrics", null, null, null).body();
    assertTrue(metrics.contains("vertx_http_server_requests_total"), metrics);
    assertTrue(metrics.contains("votegate_gateway_ballots_produced_total"));
  }

  // --- helpers ----------------------------------------------------------------------------------------------------

  private void assertBallotProblem(String body, String code, String contest, String candidate) throws Exception {
    var voter = body.contains("council") ? VOTER_DE : VOTER_RI;
    var problem = assertProblem(400, "invalid_ballot",
        client.send("POST", "/api/v1/ballots", token(voter), "application/json", body));
    var expected = new JsonObject().put("code", code).put("contest", contest);
    if (candidate != null) {
      expected.put("candidate", candidate);
    }
    assertEquals(new JsonArray().add(expected), problem.getJsonArray("errors"));
  }

  private JsonObject assertProblem(int status, String code, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals("application/problem+json; charset=utf-8", response.headers().firstValue("content-type").orElse(""));
    var problem = new JsonObject(response.body());
    assertEquals(code, problem.getString("code"));
    assertEquals("/problems/" + code, problem.getString("type"));
    assertEquals(status, problem.getInteger("status"));
    assertNotNull(problem.getString("title"));
    assertEquals(ballotsBefore, publishedCount(), "a refused request must publish nothing");
    return problem;
  }

  private static List<String> fields(JsonObject problem) {
    return problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")).toList();
  }

  private String token(String voterId) throws Exception {
    return gw.token(voterId);
  }

  private JsonObject signIn(String voterId) throws Exception {
    return gw.signIn(voterId);
  }

  private static long publishedCount() {
    return gw.publishedCount();
  }

  private static List<ConsumerRecord<String, String>> ballotsOnTopic() {
    return gw.ballotsOnTopic();
  }
}
