package io.votegate.ballots;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.votegate.model.ReceiptStatus;
import io.votegate.model.SubmittedBallot;
import io.votegate.model.Topics;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.testkit.Infra;
import io.votegate.testkit.VoterClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Redis goes away under a steady stream of ballots: the batch in hand fails and is replayed with a back-off, the
 * failure shows in metrics and readiness while it lasts, and once Redis is back every ballot is decided, each accepted
 * one emitted exactly once, and every receipt's status is in Redis.
 */
class RedisOutageTest {
  private static final int BALLOTS = 1_500;
  private static Infra infra;
  private static Vertx vertx;
  private static Metrics metrics;
  private static Service ballotServer;
  private static VoterClient operator;

  @BeforeAll
  static void start() throws Exception {
    infra = new Infra().withKafka().withPostgres().withRedis();
    int port = Infra.freePort();
    var config = TestConfig.on(infra, port, Map.of());
    metrics = Metrics.create();
    vertx = metrics.vertx();
    ballotServer = Main.start(vertx, metrics, config).await(2, TimeUnit.MINUTES);
    operator = new VoterClient("http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() throws Exception {
    ballotServer.stop().await(60, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    infra.close();
  }

  @Test
  void aRedisOutageIsVisibleWhileItLastsAndLosesNothing() throws Exception {
    var receipts = new ConcurrentLinkedQueue<String>();
    var stream = new Thread(() -> submitSteadily(receipts), "steady-ballots");
    stream.start();
    await(() -> voted() >= 100, "the first ballots decided");
    assertEquals(200, ready().statusCode(), ready().body());

    infra.stopRedis();
    await(() -> ready().statusCode() == 503, "readiness red while Redis is down");
    await(() -> reason().contains("times in a row"), "readiness says batches keep failing");
    var reason = reason();
    assertTrue(reason.contains("Redis unreachable") && reason.contains("ballots wait undecided"), reason);
    var failed = metrics.registry().get("votegate.ballot_server.batches.failed").counter().count();
    var attempts = metrics.registry().get("votegate.ballot_server.batch.failing.attempts").gauge().value();
    assertTrue(failed >= FailureStreak.ALARM_AFTER && attempts >= FailureStreak.ALARM_AFTER,
        "failed batches " + failed + ", attempts in a row " + attempts);
    long votedDuringOutage = voted();

    infra.startRedis();
    stream.join(60_000);
    await(() -> voted() == BALLOTS, "every ballot decided once Redis is back");
    await(() -> ready().statusCode() == 200, "readiness green again");
    assertEquals(0.0, metrics.registry().get("votegate.ballot_server.batch.failing.attempts").gauge().value());
    assertTrue(votedDuringOutage < BALLOTS, "the outage held ballots back: " + votedDuringOutage);

    var accepted = acceptedOnTopic(BALLOTS);
    assertEquals(BALLOTS, accepted.size(), "each accepted ballot emitted once");
    assertEquals(BALLOTS, accepted.stream().distinct().count(), "no ballot ID twice");
    assertEquals(BALLOTS, infra.queryLong("SELECT count(*) FROM ballot_box"));

    // Statuses decided after the restart are all there (Redis came back empty, as a test Redis has no disk).
    var redis = Redis.createClient(vertx, infra.redisUri());
    try {
      var afterOutage = new ArrayList<>(receipts).subList((int) votedDuringOutage, BALLOTS);
      for (var receipt : afterOutage) {
        var status = redis.send(Request.cmd(Command.GET).arg(ReceiptStatus.redisKey(receipt))).await();
        assertNotNull(status, "status of " + receipt);
        assertEquals("counted", new JsonObject(status.toString()).getString("status"));
      }
    } finally {
      redis.close();
    }
  }

  /** About 100 ballots a second, for 15 seconds, from distinct voters of Providence County. */
  private static void submitSteadily(ConcurrentLinkedQueue<String> receipts) {
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", infra.kafkaBootstrap(),
        "acks", "all", "enable.idempotence", true), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < BALLOTS; i++) {
        var receipt = "receipt-" + i;
        var ballot = new SubmittedBallot(UUID.randomUUID(), receipt, "demo", "RI44007-%08d".formatted(i + 1), "RI",
            "44007", Map.of("president", List.of("dem")), Instant.now());
        producer.send(new ProducerRecord<>(Topics.BALLOTS, "RI", ballot.toJson().encode())).get();
        receipts.add(receipt);
        if (i % 10 == 9) {
          Thread.sleep(100);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> ready() {
    try {
      return operator.get("/health/ready");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String reason() {
    var body = new JsonObject(ready().body());
    return body.getString("reason", "");
  }

  private static long voted() {
    try {
      return infra.queryLong("SELECT count(*) FROM voters WHERE status = 'voted'");
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within 90 s: " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Ballot IDs on ballots.accepted, as the tally sees them (read_committed). */
  private static List<String> acceptedOnTopic(int expected) {
    return infra.committedValues(Topics.ACCEPTED, expected).stream()
        .map(v -> new JsonObject(v).getString("ballotId")).toList();
  }
}
