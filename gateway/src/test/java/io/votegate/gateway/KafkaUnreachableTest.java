package io.votegate.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.votegate.model.Keys;
import io.votegate.model.VoterCodes;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.testkit.Infra;
import io.votegate.testkit.VoterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * With no Kafka to take ballots, the gateway says so: 503 with Retry-After, and not ready. After a few failures the
 * circuit opens and ballots are refused at once, without asking Kafka (its recovery: KafkaOutageTest in standalone/).
 */
class KafkaUnreachableTest {
  private static final String ROLL = Keys.generate();
  private static Infra infra;
  private static Vertx vertx;
  private static Service gateway;
  private static String base;

  @BeforeAll
  static void startGatewayWithoutKafka() throws Exception {
    infra = new Infra().withRedis();
    int port = Infra.freePort();
    var config = GatewayConfig.fromEnv(Map.of(
        "VOTEGATE_GATEWAY_PORT", String.valueOf(port),
        "VOTEGATE_KAFKA_BOOTSTRAP", "127.0.0.1:" + Infra.freePort(),
        "VOTEGATE_REDIS_URI", infra.redisUri(),
        "VOTEGATE_ELECTION_START", Instant.now().minusSeconds(60).toString(),
        "VOTEGATE_ROLL_KEY", ROLL, "VOTEGATE_TOKEN_KEY", Keys.generate(), "VOTEGATE_RECEIPT_KEY", Keys.generate()));
    var metrics = Metrics.create();
    vertx = metrics.vertx();
    gateway = Main.start(vertx, metrics, config).await(60, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    infra.close();
  }

  @Test
  void aBallotThatKafkaCannotTakeGets503WithRetryAfterAndNoReceipt() throws Exception {
    var client = new VoterClient(base);
    var voter = "DE10001-00000005";
    var code = new VoterCodes(Keys.fromBase64(ROLL, Keys.generate(), Keys.generate()).roll()).codeFor("demo", voter);
    var token = client.signIn(voter, code).getString("token"); // signing in needs no Kafka

    var ballot = client.postJson("/api/v1/ballots", token, "{\"selections\":{\"president\":[\"dem\"]}}");
    assertEquals(503, ballot.statusCode(), ballot.body());
    assertEquals("unavailable", new JsonObject(ballot.body()).getString("code"));
    assertTrue(ballot.headers().firstValue("retry-after").isPresent());
    assertFalse(ballot.body().contains("receipt\""), "no receipt for a ballot that was not taken");

    assertEquals(503, client.get("/health/ready").statusCode());
    assertEquals(200, client.get("/health/live").statusCode());
  }

  @Test
  void afterAFewFailuresTheCircuitOpensAndBallotsAreRefusedWithoutAskingKafka() throws Exception {
    var client = new VoterClient(base);
    var voter = "DE10001-00000006";
    var code = new VoterCodes(Keys.fromBase64(ROLL, Keys.generate(), Keys.generate()).roll()).codeFor("demo", voter);
    for (int i = 0; i < BallotPublisher.FAILURES_TO_OPEN; i++) {
      var token = client.signIn(voter, code).getString("token");
      assertEquals(503, client.postJson("/api/v1/ballots", token, "{\"selections\":{}}").statusCode());
    }
    var token = client.signIn(voter, code).getString("token");
    var refused = client.postJson("/api/v1/ballots", token, "{\"selections\":{}}");
    assertEquals(503, refused.statusCode());
    assertTrue(new JsonObject(refused.body()).getString("detail").contains("not taking ballots"), refused.body());
    assertEquals(String.valueOf(BallotPublisher.RESET.toSeconds()), refused.headers().firstValue("retry-after").orElse(""));
    var ready = client.get("/health/ready");
    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("circuit open"), ready.body());
    var metrics = client.get("/metrics").body();
    assertTrue(metrics.contains("votegate_gateway_kafka_circuit_open 1.0"), metrics);
    // Refused by the open circuit: these ballots never reached the producer.
    assertTrue(metrics.matches("(?s).*votegate_gateway_ballots_refused_total\\{cause=\"circuit_open\"[^}]*\\} [1-9].*"), metrics);
  }
}
