package io.votegate.ballots;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.votegate.model.SubmittedBallot;
import io.votegate.model.Topics;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.testkit.Infra;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * PostgreSQL goes away under a running ballot-server: the batches in hand are retried, nothing is committed meanwhile,
 * and when it is back every ballot is decided, each accepted ballot emitted exactly once.
 */
class PostgresOutageTest {
  private static Infra infra;
  private static Vertx vertx;
  private static Metrics metrics;
  private static Service ballotServer;

  @BeforeAll
  static void start() throws Exception {
    infra = new Infra().withKafka().withPostgres().withRedis();
    var config = TestConfig.on(infra, Infra.freePort(), Map.of("VOTEGATE_BATCH_SIZE", "50"));
    metrics = Metrics.create();
    vertx = metrics.vertx();
    ballotServer = Main.start(vertx, metrics, config).await(2, TimeUnit.MINUTES);
  }

  @AfterAll
  static void stop() throws Exception {
    ballotServer.stop().await(60, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    infra.close();
  }

  @Test
  void ballotsSubmittedWhilePostgresIsDownAreDecidedOnceItIsBack() throws Exception {
    submit(0, 200);
    awaitVoted(200);
    infra.stopPostgres();
    submit(200, 400);
    var failed = metrics.registry().get("votegate.ballot_server.batches.failed").counter();
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (failed.count() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(failed.count() > 0, "the ballot-server noticed the outage");
    assertEquals(200, acceptedOnTopic().size(), "nothing is committed while PostgreSQL is down");
    infra.startPostgres();
    awaitVoted(400);

    var accepted = acceptedOnTopic();
    var deadlineTopic = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (accepted.size() < 400 && System.nanoTime() < deadlineTopic) {
      Thread.sleep(200);
      accepted = acceptedOnTopic();
    }
    assertEquals(400, accepted.size(), "each accepted ballot emitted once");
    assertEquals(400, accepted.stream().distinct().count(), "no ballot ID twice");
    assertEquals(400, infra.queryLong("SELECT count(*) FROM ballot_box"));
  }

  private static void submit(int from, int to) throws Exception {
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", infra.kafkaBootstrap(),
        "acks", "all", "enable.idempotence", true), new StringSerializer(), new StringSerializer())) {
      for (int i = from; i < to; i++) {
        var voter = "RI44007-%08d".formatted(i + 1);
        var ballot = new SubmittedBallot(UUID.randomUUID(), "receipt-" + i, "demo", voter, "RI", "44007",
            Map.of("president", List.of("dem")), Instant.now());
        producer.send(new ProducerRecord<>(Topics.BALLOTS, "RI", ballot.toJson().encode()));
      }
      producer.flush();
    }
  }

  private static void awaitVoted(long expected) throws Exception {
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    long voted = 0;
    while (System.nanoTime() < deadline) {
      try {
        voted = infra.queryLong("SELECT count(*) FROM voters WHERE status = 'voted'");
      } catch (java.sql.SQLException starting) {
        voted = -1;
      }
      if (voted >= expected) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(expected, voted);
  }

  /** Ballot IDs on ballots.accepted, as the tally sees them (read_committed). */
  private static List<String> acceptedOnTopic() {
    return infra.committedValues(Topics.ACCEPTED, 0).stream()
        .map(v -> new JsonObject(v).getString("ballotId")).toList();
  }

}
