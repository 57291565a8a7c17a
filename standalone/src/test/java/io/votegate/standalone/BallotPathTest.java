package io.votegate.standalone;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.votegate.ballots.BallotServerConfig;
import io.votegate.gateway.GatewayConfig;
import io.votegate.model.Keys;
import io.votegate.model.Topics;
import io.votegate.model.VoterCodes;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.tally.TallyConfig;
import io.votegate.testkit.Infra;
import io.votegate.testkit.VoterClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One ballot's whole path on real servers: web API → gateway → Kafka → ballot-server → PostgreSQL → Kafka → tally →
 * SSE, with receipts through Redis.
 */
class BallotPathTest {
  private static final Keys KEYS = Keys.fromBase64(Keys.generate(), Keys.generate(), Keys.generate());
  private static Infra infra;
  private static Vertx vertx;
  private static List<Service> services;
  private static Map<String, String> env;
  private static VoterClient voters;
  private static VoterClient newsroom;

  @BeforeAll
  static void startEverything() throws Exception {
    infra = new Infra().withKafka().withPostgres().withRedis();
    int gatewayPort = Infra.freePort();
    int tallyPort = Infra.freePort();
    var b64 = java.util.Base64.getEncoder();
    env = new HashMap<>(Map.of(
        "VOTEGATE_KAFKA_BOOTSTRAP", infra.kafkaBootstrap(),
        "VOTEGATE_REDIS_URI", infra.redisUri(),
        "VOTEGATE_ELECTION_START", Instant.now().minusSeconds(60).toString(),
        "VOTEGATE_ROLL_KEY", b64.encodeToString(KEYS.roll()),
        "VOTEGATE_TOKEN_KEY", b64.encodeToString(KEYS.token()),
        "VOTEGATE_RECEIPT_KEY", b64.encodeToString(KEYS.receipt()),
        "VOTEGATE_GATEWAY_PORT", String.valueOf(gatewayPort),
        "VOTEGATE_TALLY_PORT", String.valueOf(tallyPort),
        "VOTEGATE_BALLOT_SERVER_PORT", String.valueOf(Infra.freePort())));
    env.putAll(Map.of("VOTEGATE_PG_PORT", String.valueOf(infra.postgresPort()), "VOTEGATE_PG_DATABASE", "postgres",
        "VOTEGATE_PG_USER", "postgres", "VOTEGATE_GATEWAY_INSTANCES", "2"));
    var metrics = Metrics.create();
    vertx = metrics.vertx();
    services = List.of(
        io.votegate.ballots.Main.start(vertx, metrics, BallotServerConfig.fromEnv(env)).await(120, TimeUnit.SECONDS),
        io.votegate.tally.Main.start(vertx, metrics, TallyConfig.fromEnv(env)).await(60, TimeUnit.SECONDS),
        io.votegate.gateway.Main.start(vertx, metrics, GatewayConfig.fromEnv(env)).await(60, TimeUnit.SECONDS));
    voters = new VoterClient("http://127.0.0.1:" + gatewayPort);
    newsroom = new VoterClient("http://127.0.0.1:" + tallyPort);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    for (var service : services) {
      service.stop().await(30, TimeUnit.SECONDS);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
    infra.close();
  }

  @Test
  void aBallotIsCountedOnceAndStreamedAndTheSameVoterVotingAgainIsRejected() throws Exception {
    var events = newsroom.events("/api/v1/results/stream?level=county&contest=president", null, null);
    var sameView = newsroom.events("/api/v1/results/stream?level=county&contest=president", null, null);
    var snapshot = VoterClient.next(events, "snapshot");
    VoterClient.next(sameView, "snapshot");
    long before = snapshot.getJsonArray("contests").getJsonObject(0).getJsonObject("totals").getLong("rep");

    var voter = "RI44007-00000123";
    var receipt = vote(voter, "{\"selections\":{\"president\":[\"rep\"],\"council\":[\"ahn\",\"moreau\"]}}");
    assertEquals("counted", awaitDecision(receipt).getString("status"));

    var delta = VoterClient.next(events, "delta");
    assertEquals(delta, VoterClient.next(sameView, "delta"), "two newsrooms with one view get the same delta");
    var president = delta.getJsonArray("contests").getJsonObject(0);
    assertEquals(before + 1, president.getJsonObject("totals").getLong("rep"));
    var ri = president.getJsonArray("states").getJsonObject(0);
    assertEquals("RI", ri.getString("state"));
    assertEquals("44007", ri.getJsonArray("counties").getJsonObject(0).getString("fips"));

    var again = vote(voter, "{\"selections\":{\"president\":[\"dem\"]}}");
    assertNotEquals(receipt, again);
    var rejected = awaitDecision(again);
    assertEquals("rejected", rejected.getString("status"));
    assertEquals("already_voted", rejected.getString("reason"));

    assertEquals(1, countyBallots("president", "RI", "44007"));
    assertEquals(1, infra.queryLong("SELECT count(*) FROM ballot_box WHERE county = '44007'"));
    assertEquals(1, infra.queryLong("SELECT count(*) FROM voters WHERE county = '44007' AND status = 'voted'"));
    assertEquals(0, infra.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_name = 'ballot_box' "
        + "AND column_name IN ('voter_id', 'receipt')"), "the ballot box must not know who voted");
  }

  @Test
  void aRetryWithTheSameTokenIsCountedOnceAndItsEventsStreamEndsCounted() throws Exception {
    var session = signIn("DE10005-00000042");
    var body = "{\"selections\":{\"president\":[\"other\"]}}";
    var first = submit(session, body);
    var second = submit(session, body);
    assertEquals(first, second);
    var stream = voters.events("/api/v1/receipts/" + first + "/events", null, null);
    JsonObject status;
    do {
      status = VoterClient.next(stream, "status");
    } while (!status.getString("status").equals("counted"));
    assertEquals(first, status.getString("receipt"));
    awaitCount("president", "DE", "10005", 1);
    Thread.sleep(1_000); // the duplicate is decided in the same or the next batch; give it time to be (not) counted
    assertEquals(1, countyBallots("president", "DE", "10005"));
    assertEquals(1, infra.queryLong("SELECT count(*) FROM ballot_box WHERE county = '10005'"));
  }

  @Test
  void aVoterNotOnTheRollIsRejectedWithoutRevealingItToTheGateway() throws Exception {
    // A valid card for a serial beyond the county's roll: the code checks, the roll says no.
    var receipt = vote("HI15007-00009999", "{\"selections\":{\"president\":[\"dem\"]}}");
    var decision = awaitDecision(receipt);
    assertEquals("rejected", decision.getString("status"));
    assertEquals("not_on_roll", decision.getString("reason"));
    assertEquals(0, infra.queryLong("SELECT count(*) FROM ballot_box WHERE county = '15007'"));
  }

  @Test
  void aStreamResumedFromALastEventIdGetsOnlyWhatChangedSince() throws Exception {
    awaitDecision(vote("DE10003-00000500", "{\"selections\":{\"president\":[\"rep\"]}}"));
    awaitCount("president", "DE", "10003", 1);
    long seen = newsroom.getJson("/api/v1/results").getLong("sequence");
    awaitDecision(vote("DE10001-00000500", "{\"selections\":{\"president\":[\"dem\"]}}"));
    awaitCount("president", "DE", "10001", 1);

    var resumed = newsroom.events("/api/v1/results/stream?level=county&contest=president", "Last-Event-ID", String.valueOf(seen));
    var delta = VoterClient.next(resumed, "delta");
    var states = delta.getJsonArray("contests").getJsonObject(0).getJsonArray("states");
    var de = states.stream().map(JsonObject.class::cast).filter(st -> st.getString("state").equals("DE"))
        .findFirst().orElseThrow();
    assertEquals(List.of("10001"), de.getJsonArray("counties").stream()
        .map(c -> ((JsonObject) c).getString("fips")).toList(), "only the county that changed since " + seen);

    var ahead = newsroom.events("/api/v1/results/stream?since=999999999", null, null);
    VoterClient.next(ahead, "snapshot");
    assertEquals(400, newsroom.get("/api/v1/results/stream?since=yesterday").statusCode());
  }

  @Test
  void anUnreadableRecordGoesToTheDeadLetterTopicAndDecidingGoesOn() throws Exception {
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", infra.kafkaBootstrap()),
        new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.BALLOTS, "RI", "{\"not\":\"a ballot\"")).get();
    }
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", infra.kafkaBootstrap(),
        "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
      var partitions = consumer.partitionsFor(Topics.DLQ).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      ConsumerRecord<String, String> dead = null;
      while (dead == null && System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value().equals("{\"not\":\"a ballot\"")) {
            dead = record;
          }
        }
      }
      assertNotNull(dead, "the unreadable record reached " + Topics.DLQ);
      assertEquals("RI", dead.key());
      assertTrue(new String(dead.headers().lastHeader("votegate.source").value()).startsWith(Topics.BALLOTS + "/"));
    }
    var receipt = vote("RI44009-00000009", "{\"selections\":{\"president\":[\"dem\"]}}");
    assertEquals("counted", awaitDecision(receipt).getString("status"), "the records after it are decided");
  }

  @Test
  void theSnapshotHonoursFiltersAndETags() throws Exception {
    var response = newsroom.get("/api/v1/results?level=national");
    assertEquals(200, response.statusCode());
    var snapshot = new JsonObject(response.body());
    assertFalse(snapshot.getJsonArray("contests").getJsonObject(0).containsKey("states"));
    var etag = response.headers().firstValue("etag").orElseThrow();
    var notModified = newsroom.send("GET", "/api/v1/results?level=national", null, null, null, "If-None-Match", etag);
    assertEquals(304, notModified.statusCode());
    var council = new JsonObject(newsroom.get("/api/v1/results?contest=council&state=HI").body());
    assertEquals(1, council.getJsonArray("contests").size());
    assertEquals(List.of("HI"), council.getJsonArray("contests").getJsonObject(0).getJsonArray("states").stream()
        .map(s -> ((JsonObject) s).getString("state")).toList());
    assertEquals(400, newsroom.get("/api/v1/results?level=galaxy").statusCode());
    assertEquals(400, newsroom.get("/api/v1/results?contest=mayor").statusCode());
    assertEquals(405, newsroom.send("DELETE", "/api/v1/results", null, null, null).statusCode());
    assertEquals(200, newsroom.get("/results").statusCode());
    assertEquals(200, newsroom.get("/health/ready").statusCode());
  }

  @Test
  void aTallyStartedAfterTheVotesRebuildsTheSameCountsAndTheyReconcileWithTheBallotBox() throws Exception {
    awaitDecision(vote("HI15003-00000077", "{\"selections\":{\"president\":[\"dem\"],\"council\":[\"kealoha\"]}}"));
    int port = Infra.freePort();
    var coldEnv = new HashMap<>(env);
    coldEnv.put("VOTEGATE_TALLY_PORT", String.valueOf(port));
    var metrics = Metrics.create();
    var coldTally = io.votegate.tally.Main.start(vertx, metrics, TallyConfig.fromEnv(coldEnv)).await(60, TimeUnit.SECONDS);
    var cold = new VoterClient("http://127.0.0.1:" + port);
    try {
      var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      JsonObject live;
      JsonObject rebuilt;
      do {
        Thread.sleep(200);
        live = newsroom.getJson("/api/v1/results?level=county");
        rebuilt = cold.getJson("/api/v1/results?level=county");
      } while (rebuilt.getLong("sequence") < live.getLong("sequence") && System.nanoTime() < deadline);
      live.remove("generatedAt");
      rebuilt.remove("generatedAt");
      assertEquals(live, rebuilt);
      long counted = live.getJsonArray("contests").getJsonObject(0).getLong("ballots");
      assertEquals(infra.queryLong("SELECT count(*) FROM ballot_box"), counted, "tally = ballot box");
      assertEquals(infra.queryLong("SELECT count(*) FROM voters WHERE status = 'voted'"), counted, "tally = voters marked");
    } finally {
      coldTally.stop().await(30, TimeUnit.SECONDS);
    }
  }

  // --- helpers ----------------------------------------------------------------------------------------------------

  private String vote(String voterId, String body) throws Exception {
    return voters.submit(signIn(voterId), body);
  }

  private String signIn(String voterId) throws Exception {
    return voters.signIn(voterId, new VoterCodes(KEYS.roll()).codeFor("demo", voterId)).getString("token");
  }

  private String submit(String token, String body) throws Exception {
    return voters.submit(token, body);
  }

  private JsonObject awaitDecision(String receipt) throws Exception {
    return voters.awaitDecision(receipt, Duration.ofSeconds(60));
  }

  private void awaitCount(String contest, String state, String county, long expected) throws Exception {
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (countyBallots(contest, state, county) < expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  private long countyBallots(String contest, String state, String county) throws Exception {
    var snapshot = newsroom.getJson("/api/v1/results?level=county&contest=" + contest + "&state=" + state);
    return snapshot.getJsonArray("contests").getJsonObject(0).getJsonArray("states").getJsonObject(0)
        .getJsonArray("counties").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("fips").equals(county)).findFirst().orElseThrow().getLong("ballots");
  }

}
