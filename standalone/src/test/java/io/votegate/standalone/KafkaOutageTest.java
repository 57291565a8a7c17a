package io.votegate.standalone;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.votegate.gateway.GatewayConfig;
import io.votegate.gateway.Main;
import io.votegate.model.Keys;
import io.votegate.model.VoterCodes;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.testkit.Infra;
import io.votegate.testkit.TempTrees;
import io.votegate.testkit.VoterClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The gateway while its Kafka broker (a process of its own) is killed and started again: ballots are refused with
 * 503 and Retry-After, after a few failures at once (the circuit is open) and readiness is red; once the broker is
 * back, ballots go through again and readiness turns green, without a gateway restart.
 */
class KafkaOutageTest {
  private static final String ROLL = Keys.generate();
  private static final String BALLOT = "{\"selections\":{\"president\":[\"rep\"]}}";
  private Process broker;
  private Infra infra;
  private Vertx vertx;
  private Service gateway;
  private Path dir;

  @AfterEach
  void stopEverything() throws Exception {
    if (gateway != null) {
      gateway.stop().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    if (broker != null) {
      broker.destroyForcibly().waitFor();
    }
    if (infra != null) {
      infra.close();
    }
    TempTrees.delete(dir);
  }

  @Test
  void whileKafkaIsAwayBallotsAreRefusedAtOnceAndOnceItIsBackTheyGoThrough() throws Exception {
    dir = Files.createTempDirectory("votegate-kafka");
    var bootstrap = BrokerProcess.prepare(dir);
    broker = BrokerProcess.start(dir, bootstrap);
    infra = new Infra().withRedis();
    int port = Infra.freePort();
    var metrics = Metrics.create();
    vertx = metrics.vertx();
    gateway = Main.start(vertx, metrics, GatewayConfig.fromEnv(Map.of(
        "VOTEGATE_GATEWAY_PORT", String.valueOf(port),
        "VOTEGATE_KAFKA_BOOTSTRAP", bootstrap,
        "VOTEGATE_REDIS_URI", infra.redisUri(),
        "VOTEGATE_ELECTION_START", Instant.now().minusSeconds(60).toString(),
        "VOTEGATE_ROLL_KEY", ROLL, "VOTEGATE_TOKEN_KEY", Keys.generate(), "VOTEGATE_RECEIPT_KEY", Keys.generate())))
        .await(60, TimeUnit.SECONDS);
    var client = new VoterClient("http://127.0.0.1:" + port);
    assertEquals(202, ballot(client, 1).statusCode());

    broker.destroyForcibly().waitFor(); // kill -9: no goodbye to the producer
    HttpResponse<String> refused = null;
    for (int voter = 2; voter < 40; voter++) {
      refused = ballot(client, voter);
      assertEquals(503, refused.statusCode(), refused.body());
      assertTrue(refused.headers().firstValue("Retry-After").isPresent());
      if (refused.body().contains("not taking ballots")) {
        break;
      }
    }
    assertTrue(refused.body().contains("not taking ballots"), "the circuit opened: " + refused.body());
    var ready = client.get("/health/ready");
    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("Kafka"), ready.body());

    broker = BrokerProcess.start(dir, bootstrap);
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    var after = ballot(client, 100);
    while (after.statusCode() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(Long.parseLong(after.headers().firstValue("Retry-After").orElse("1")) * 1000 / 5);
      after = ballot(client, 100);
    }
    assertEquals(202, after.statusCode(), "a ballot goes through once Kafka is back: " + after.body());
    assertEquals("pending", new JsonObject(after.body()).getString("status"));
    while (client.get("/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(200, client.get("/health/ready").statusCode(), client.get("/health/ready").body());
  }

  /** Voter number {@code n} of Delaware's Kent County signs in and casts a ballot. */
  private static HttpResponse<String> ballot(VoterClient client, int n) throws Exception {
    var voter = "DE10001-%08d".formatted(n);
    var code = new VoterCodes(Keys.fromBase64(ROLL, Keys.generate(), Keys.generate()).roll()).codeFor("demo", voter);
    return client.postJson("/api/v1/ballots", client.signIn(voter, code).getString("token"), BALLOT);
  }
}
