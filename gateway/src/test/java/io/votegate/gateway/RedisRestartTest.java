package io.votegate.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.votegate.model.Keys;
import io.votegate.model.ReceiptStatus;
import io.votegate.model.Receipts;
import io.votegate.model.SessionTokens;
import io.votegate.model.VoterCodes;
import io.votegate.model.VoterId;
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
 * Through a Redis restart: each event loop pipelines its reads on a connection of its own, so a lost connection must
 * answer 503 while Redis is away and be replaced once it is back, without a gateway restart. Meanwhile a voter with
 * the right code still signs in, and a wrong code gets 503: a failure that cannot be counted is not free to repeat.
 */
class RedisRestartTest {
  private static final String ROLL = Keys.generate();
  private static final String TOKEN = Keys.generate();
  private static final String RECEIPT = Keys.generate();
  private static Infra infra;
  private static Vertx vertx;
  private static Service gateway;
  private static VoterClient client;

  @BeforeAll
  static void startGateway() throws Exception {
    infra = new Infra().withRedis(); // receipts need no Kafka
    int port = Infra.freePort();
    var config = GatewayConfig.fromEnv(Map.of(
        "VOTEGATE_GATEWAY_PORT", String.valueOf(port),
        "VOTEGATE_GATEWAY_INSTANCES", "2",
        "VOTEGATE_KAFKA_BOOTSTRAP", "127.0.0.1:" + Infra.freePort(),
        "VOTEGATE_REDIS_URI", infra.redisUri(),
        "VOTEGATE_ROLL_KEY", ROLL, "VOTEGATE_TOKEN_KEY", TOKEN, "VOTEGATE_RECEIPT_KEY", RECEIPT));
    var metrics = Metrics.create();
    vertx = metrics.vertx();
    gateway = Main.start(vertx, metrics, config).await(60, TimeUnit.SECONDS);
    client = new VoterClient("http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    infra.close();
  }

  @Test
  void aReceiptIsReadAgainOnceRedisIsBackAndOnlyRightCodesSignInMeanwhile() throws Exception {
    var receipt = new Receipts(Keys.fromBase64(ROLL, TOKEN, RECEIPT).receipt()).forSession(new SessionTokens.Session("demo",
        VoterId.of("DE", "10001", 5), Instant.now().plusSeconds(600), new byte[16]));
    for (int i = 0; i < 4; i++) { // enough reads for both loops to hold a connection
      assertEquals("pending", client.getJson("/api/v1/receipts/" + receipt).getString("status"));
    }

    infra.stopRedis();
    var away = client.get("/api/v1/receipts/" + receipt);
    assertEquals(503, away.statusCode(), away.body());
    assertEquals("unavailable", new JsonObject(away.body()).getString("code"));
    assertTrue(away.headers().firstValue("Retry-After").isPresent());

    var voter = "DE10001-00000009";
    var code = new VoterCodes(Keys.fromBase64(ROLL, TOKEN, RECEIPT).roll()).codeFor("demo", voter);
    assertEquals(201, client.postJson("/api/v1/sessions", null,
        "{\"voterId\":\"" + voter + "\",\"code\":\"" + code + "\"}").statusCode(), "the right code needs no Redis");
    var guess = client.postJson("/api/v1/sessions", null, "{\"voterId\":\"" + voter + "\",\"code\":\"0000000000\"}");
    assertEquals(503, guess.statusCode(), guess.body());
    assertTrue(guess.headers().firstValue("Retry-After").isPresent());

    infra.startRedis();
    var redis = Redis.createClient(vertx, infra.redisUri());
    redis.send(Request.cmd(Command.SET).arg(ReceiptStatus.redisKey(receipt))
        .arg(ReceiptStatus.counted(receipt, Instant.now()).toJson().encode())).await(10, TimeUnit.SECONDS);
    redis.close();
    for (int i = 0; i < 4; i++) { // every loop's connection, not one of them, came back
      var read = readWhileUnavailable(receipt);
      assertEquals(200, read.statusCode(), read.body());
      assertEquals("counted", new JsonObject(read.body()).getString("status"));
    }
  }

  /** A read, retried while it answers 503 (for up to 10 s): the first read after the outage may meet the dead link. */
  private static java.net.http.HttpResponse<String> readWhileUnavailable(String receipt) throws Exception {
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    var read = client.get("/api/v1/receipts/" + receipt);
    while (read.statusCode() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      read = client.get("/api/v1/receipts/" + receipt);
    }
    return read;
  }
}
