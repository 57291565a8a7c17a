package io.votegate.gateway;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.votegate.testkit.VoterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Guessing is slowed, on a real Redis and Kafka: failed sign-ins per voter ID and per client address, and ballots per
 * token, answer 429 {@code too_many_attempts} with Retry-After past their limits, and the counters expire by
 * themselves. The gateway trusts 127.0.0.1 as its proxy here, so each test speaks for clients of its own choosing.
 */
class RateLimitTest {
  private static final int PER_ADDRESS = 20;
  private static final String BALLOT = "{\"selections\":{\"president\":[\"dem\"]}}";
  private static final AtomicInteger ADDRESSES = new AtomicInteger();

  private static TestGateway gw;
  private static VoterClient client;
  private static Redis redis;

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new TestGateway(Map.of(
        "VOTEGATE_SIGNIN_FAILURES_PER_ADDRESS", String.valueOf(PER_ADDRESS),
        "VOTEGATE_BALLOTS_PER_TOKEN", "3",
        "VOTEGATE_BALLOTS_PER_TOKEN_WINDOW", "PT1M",
        "VOTEGATE_TRUSTED_PROXIES", "127.0.0.1"));
    client = gw.client;
    redis = Redis.createClient(gw.vertx, gw.infra.redisUri());
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close();
    gw.close();
  }

  @Test
  void tenWrongCodesForOneVoterFromAnywhereLockItsSignInForTheWindowEvenWithTheRightCode() throws Exception {
    var voter = "DE10001-00000101";
    for (int i = 0; i < 10; i++) { // each guess from another address: the voter's own limit counts them all
      assertEquals(401, signIn(voter, "WRONG00000", newAddress()).statusCode());
    }
    var locked = signIn(voter, code(voter), newAddress());
    var problem = assertTooMany(locked);
    assertTrue(problem.getString("detail").contains("try again in"), problem.encode());
    long retryAfter = Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > 0 && retryAfter <= 15 * 60, "Retry-After " + retryAfter);

    long ttl = redis.send(Request.cmd(Command.PTTL).arg("vg:limit:voter:" + voter)).await(5, TimeUnit.SECONDS).toLong();
    assertTrue(ttl > 0 && ttl <= 15 * 60_000, "the voter's counter expires by itself, in at most 15 min: " + ttl);
    assertEquals(201, signIn("DE10001-00000102", code("DE10001-00000102"), newAddress()).statusCode(),
        "another voter is not held up");
  }

  @Test
  void nineFailuresFromAnotherAddressDoNotStopTheVoterWithTheRightCode() throws Exception {
    var voter = "DE10003-00000103";
    var attacker = newAddress();
    for (int i = 0; i < 9; i++) {
      assertEquals(401, signIn(voter, "WRONG00000", attacker).statusCode());
    }
    assertEquals(201, signIn(voter, code(voter), newAddress()).statusCode());
  }

  @Test
  void anAddressThatFailsTooOftenIsRefusedWhateverItSendsAndOthersAreNot() throws Exception {
    var address = newAddress();
    for (int i = 0; i < PER_ADDRESS / 2; i++) {
      assertEquals(401, signIn("RI44007-%08d".formatted(200 + i), "WRONG00000", address).statusCode());
    }
    for (int i = 0; i < PER_ADDRESS / 2; i++) { // malformed sign-ins count too
      assertEquals(400, client.send("POST", "/api/v1/sessions", null, "application/json", "{\"voterId\":",
          "X-Forwarded-For", address).statusCode());
    }
    assertTooMany(signIn("RI44007-00000300", code("RI44007-00000300"), address));
    assertTooMany(client.send("POST", "/api/v1/sessions", null, "application/json", "{\"voterId\":",
        "X-Forwarded-For", address));
    assertEquals(201, signIn("RI44007-00000300", code("RI44007-00000300"), newAddress()).statusCode());
    var metrics = client.get("/metrics").body();
    assertTrue(metrics.matches("(?s).*votegate_gateway_limited_total\\{limit=\"address\"[^}]*\\} [1-9].*"), metrics);
    assertTrue(metrics.matches("(?s).*votegate_gateway_signin_failures_total\\{kind=\"malformed\"[^}]*\\} [1-9].*"), metrics);
  }

  @Test
  void theFormSaysSoToo() throws Exception {
    var address = newAddress();
    var voter = "HI15001-00000104";
    for (int i = 0; i < 10; i++) {
      client.send("POST", "/vote", null, "application/x-www-form-urlencoded", "voterId=" + voter + "&code=WRONG",
          "X-Forwarded-For", newAddress());
    }
    var page = client.send("POST", "/vote", null, "application/x-www-form-urlencoded",
        "voterId=" + voter + "&code=" + code(voter), "X-Forwarded-For", address);
    assertEquals(429, page.statusCode());
    assertTrue(page.headers().firstValue("Retry-After").isPresent());
    assertTrue(page.body().contains("too many attempts"), page.body());
  }

  @Test
  void aTokenSubmitsAtMostItsLimitPerWindowThenGets429AndANewSessionVotesAgain() throws Exception {
    var voter = "DE10005-00000105";
    var token = client.signIn(voter, code(voter)).getString("token");
    for (int i = 0; i < 3; i++) {
      var ballot = client.postJson("/api/v1/ballots", token, BALLOT);
      assertEquals(202, ballot.statusCode(), ballot.body());
    }
    var limited = assertTooMany(client.postJson("/api/v1/ballots", token, BALLOT));
    assertTrue(limited.getString("detail").contains("try again in"), limited.encode());
    var fresh = client.signIn(voter, code(voter)).getString("token");
    assertEquals(202, client.postJson("/api/v1/ballots", fresh, BALLOT).statusCode());
  }

  private static HttpResponse<String> signIn(String voter, String code, String address) throws Exception {
    return client.send("POST", "/api/v1/sessions", null, "application/json",
        new JsonObject().put("voterId", voter).put("code", code).encode(), "X-Forwarded-For", address);
  }

  private static JsonObject assertTooMany(HttpResponse<String> response) {
    assertEquals(429, response.statusCode(), response.body());
    assertEquals("application/problem+json; charset=utf-8", response.headers().firstValue("content-type").orElse(""));
    assertTrue(response.headers().firstValue("Retry-After").isPresent());
    var problem = new JsonObject(response.body());
    assertEquals("too_many_attempts", problem.getString("code"));
    return problem;
  }

  private static String code(String voter) {
    return gw.code(voter);
  }

  private static String newAddress() {
    int n = ADDRESSES.incrementAndGet();
    return "198.51." + (n / 250) + "." + (n % 250 + 1);
  }
}
