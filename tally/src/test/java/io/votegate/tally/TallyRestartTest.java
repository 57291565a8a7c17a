package io.votegate.tally;

import io.vertx.core.json.JsonObject;
import io.votegate.model.AcceptedBallot;
import io.votegate.model.Election;
import io.votegate.model.Topics;
import io.votegate.testkit.Infra;
import io.votegate.testkit.VoterClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tally as its own process on a real Kafka broker, killed with kill -9 while ballots stream in, then started
 * again: it resumes from its checkpoint, is not ready (and serves no counts) until it has caught up, ends with the
 * same counts as a cold rebuild, and a newsroom's Last-Event-ID from before the crash resumes exactly.
 */
class TallyRestartTest {
  private static final Instant START = Instant.now().minus(1, ChronoUnit.HOURS);
  private static final Election ELECTION = Election.load("demo", START);
  private static Infra infra;
  private static KafkaProducer<String, String> producer;
  private static final Map<String, Long> expected = new HashMap<>(); // "contest/state/fips/candidate" → votes
  private static final AtomicLong produced = new AtomicLong();
  private static final Random random = new Random(7);
  private final List<Process> tallies = new ArrayList<>();

  @BeforeAll
  static void startKafka() throws Exception {
    infra = new Infra().withKafka();
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tally-restart-test"), new StringSerializer(), new StringSerializer());
    producer.initTransactions();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    producer.close();
    infra.close();
  }

  @Test
  void aTallyKilledMidStreamComesBackFromItsCheckpointServesNoPartialCountAndResumesANewsroomExactly() throws Exception {
    produce(20_000);
    int portA = Infra.freePort();
    var a = tally("tally-1", portA, true);
    var clientA = new VoterClient("http://127.0.0.1:" + portA);
    awaitReady(clientA);
    assertEquals(20_000, sequenceOf(clientA.getJson("/api/v1/results?level=national")));

    // A newsroom follows the stream, by county, while ballots keep coming.
    var newsroom = new HashMap<String, Long>();
    var events = clientA.events("/api/v1/results/stream?level=county", null, null);
    long lastSeen = follow(newsroom, VoterClient.next(events, "snapshot"));
    var streaming = new AtomicBoolean(true);
    var background = new Thread(() -> {
      while (streaming.get()) {
        produce(200);
        sleep(50);
      }
    });
    background.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (lastSeen < 30_000 && System.nanoTime() < deadline) {
      var event = events.poll(5, TimeUnit.SECONDS);
      if (event != null && event[0].equals("delta")) {
        lastSeen = follow(newsroom, new JsonObject(event[1]));
      }
    }
    assertTrue(lastSeen >= 30_000, "the newsroom followed the count past 30,000: " + lastSeen);
    Thread.sleep(600); // a few checkpoint intervals

    a.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9: no last checkpoint, no goodbye
    Thread.sleep(500);
    streaming.set(false);
    background.join();
    produce(20_000); // a backlog the restarted tally must read before its counts are live
    long total = produced.get();

    // Started again, the tally answers 503 until it has caught up, then exactly every ballot: never a partial count.
    int portB = Infra.freePort();
    var b = tally("tally-1", portB, true);
    var clientB = new VoterClient("http://127.0.0.1:" + portB);
    boolean sawCatchingUp = false;
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      // Readiness first: catching up only ever turns into live, so a 503 snapshot after it means it was 503 too.
      var ready = tryGet(clientB, "/health/ready");
      var snapshot = tryGet(clientB, "/api/v1/results?level=national");
      if (ready == null || snapshot == null) {
        continue;
      }
      if (snapshot.statusCode() == 503) {
        sawCatchingUp = true;
        assertEquals("unavailable", new JsonObject(snapshot.body()).getString("code"));
        assertTrue(snapshot.headers().firstValue("Retry-After").isPresent());
        assertEquals(503, ready.statusCode(), "not ready while catching up");
      } else {
        assertEquals(200, snapshot.statusCode(), snapshot.body());
        assertEquals(total, sequenceOf(new JsonObject(snapshot.body())), "the first counts served are all of them");
        break;
      }
      Thread.sleep(20);
    }
    assertEquals(200, clientB.get("/health/ready").statusCode());
    var log = Files.readString(log("tally-1", portB));
    assertTrue(log.matches("(?s).*counting from the checkpoint of tally-1 at sequence (\\d+).*"), log);
    long restoredAt = Long.parseLong(log.replaceAll("(?s).*counting from the checkpoint of tally-1 at sequence (\\d+).*", "$1"));
    assertTrue(restoredAt >= 20_000 && restoredAt < total, "resumed from a checkpoint, not from the start: " + restoredAt);
    assertTrue(sawCatchingUp, "a tally with 20,000 ballots to read said it was catching up");

    // The newsroom reconnects with the last id it saw before the crash: one delta, and its picture is exact.
    var resumed = clientB.events("/api/v1/results/stream?level=county", "Last-Event-ID", String.valueOf(lastSeen));
    var delta = VoterClient.next(resumed, "delta");
    assertEquals(total, follow(newsroom, delta));
    var finalCounts = countiesOf(clientB.getJson("/api/v1/results?level=county"));
    assertEquals(finalCounts, newsroom, "the resumed newsroom's counts equal the snapshot's");
    assertEquals(expected, finalCounts, "and every ballot produced is counted once");

    // Newsrooms' feeds ask for gzip: the snapshot is compressed, and is the same snapshot; the stream is not.
    var http = java.net.http.HttpClient.newHttpClient();
    var gzipped = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            "http://127.0.0.1:" + portB + "/api/v1/results?level=county")).header("Accept-Encoding", "gzip").build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElse(""));
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body()))) {
      assertEquals(finalCounts, countiesOf(new JsonObject(new String(in.readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8))));
    }
    var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + portB
        + "/results")).header("Accept-Encoding", "gzip").build(), java.net.http.HttpResponse.BodyHandlers.discarding());
    assertEquals("gzip", page.headers().firstValue("Content-Encoding").orElse(""));
    var stream = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + portB
        + "/api/v1/results/stream")).header("Accept-Encoding", "gzip").build(),
        java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    assertNotEquals("gzip", stream.headers().firstValue("Content-Encoding").orElse(""), "events leave at once");
    stream.body().close();

    // The same counts as CSV rows, one per contest, unit and candidate.
    var csv = clientB.get("/api/v1/results?level=county&format=csv");
    assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    var lines = csv.body().split("\n");
    assertEquals("contest,unit,state,county_fips,county,candidate,votes,ballots", lines[0]);
    var fromCsv = new HashMap<String, Long>();
    for (var line : java.util.Arrays.asList(lines).subList(1, lines.length)) {
      var f = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
      if (f[1].equals("county") && Long.parseLong(f[6]) > 0) {
        fromCsv.put(f[0] + "/" + f[2] + "/" + f[3] + "/" + f[5], Long.parseLong(f[6]));
      }
    }
    assertEquals(finalCounts, fromCsv, "the CSV says what the JSON says");
    assertEquals(400, clientB.get("/api/v1/results/stream?format=csv").statusCode());

    // A cold rebuild from offset 0, ignoring checkpoints, gives exactly the same counts.
    int portC = Infra.freePort();
    tally("tally-rebuild", portC, false);
    var clientC = new VoterClient("http://127.0.0.1:" + portC);
    awaitReady(clientC);
    assertEquals(finalCounts, countiesOf(clientC.getJson("/api/v1/results?level=county")));
    // Two replicas side by side, one restored and one rebuilt, at the same sequence: the same snapshot, to the byte
    // but for when it was made.
    var fromB = clientB.getJson("/api/v1/results?level=county");
    var fromC = clientC.getJson("/api/v1/results?level=county");
    assertEquals(fromB.getLong("sequence"), fromC.getLong("sequence"));
    fromB.remove("generatedAt");
    fromC.remove("generatedAt");
    assertEquals(fromB, fromC);
    assertTrue(Files.readString(log("tally-rebuild", portC)).contains("counting from the start"));
    b.destroy();
  }

  // --- the tally processes ------------------------------------------------------------------------------------------

  private Process tally(String instance, int port, boolean restore) throws Exception {
    var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.votegate.tally.Main");
    builder.environment().putAll(Map.of(
        "VOTEGATE_KAFKA_BOOTSTRAP", infra.kafkaBootstrap(),
        "VOTEGATE_TALLY_PORT", String.valueOf(port),
        "VOTEGATE_ELECTION", "demo",
        "VOTEGATE_ELECTION_START", START.toString(),
        "VOTEGATE_INSTANCE_ID", instance,
        "VOTEGATE_TALLY_CHECKPOINT_INTERVAL", "PT0.2S",
        "VOTEGATE_DELTA_INTERVAL", "PT0.1S",
        "VOTEGATE_TALLY_START", restore ? "checkpoint" : "rebuild"));
    var process = builder.redirectErrorStream(true).redirectOutput(log(instance, port).toFile()).start();
    tallies.add(process);
    return process;
  }

  private static Path log(String instance, int port) {
    return Path.of("target", "tally-" + instance + "-" + port + ".log");
  }

  @org.junit.jupiter.api.AfterEach
  void stopTallies() throws Exception {
    for (var process : tallies) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitReady(VoterClient client) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      var ready = tryGet(client, "/health/ready");
      if (ready != null && ready.statusCode() == 200) {
        return;
      }
      Thread.sleep(100);
    }
    fail("the tally did not become ready");
  }

  private static java.net.http.HttpResponse<String> tryGet(VoterClient client, String path) {
    try {
      return client.get(path);
    } catch (Exception notListeningYet) {
      return null;
    }
  }

  // --- ballots, and what a newsroom makes of the stream --------------------------------------------------------------

  /** {@code n} accepted ballots in committed transactions, as the ballot-server writes them; expected counts kept. */
  private static synchronized void produce(int n) {
    producer.beginTransaction();
    for (int i = 0; i < n; i++) {
      var state = ELECTION.states().get(random.nextInt(ELECTION.states().size()));
      var county = state.counties().get(random.nextInt(state.counties().size()));
      var selections = new HashMap<String, List<String>>();
      for (var contest : ELECTION.ballotFor(state.code())) {
        var candidate = contest.candidates().get(random.nextInt(contest.candidates().size())).id();
        selections.put(contest.id(), List.of(candidate));
        expected.merge(contest.id() + "/" + state.code() + "/" + county.fips() + "/" + candidate, 1L, Long::sum);
      }
      var ballot = new AcceptedBallot(UUID.randomUUID(), ELECTION.id(), state.code(), county.fips(), selections,
          Instant.now().truncatedTo(ChronoUnit.HOURS));
      producer.send(new ProducerRecord<>(Topics.ACCEPTED, state.code(), ballot.toJson().encode()));
    }
    producer.commitTransaction();
    produced.addAndGet(n);
  }

  /** Applies a snapshot or delta to the newsroom's picture (absolute counts: a replace); answers its sequence. */
  private static long follow(Map<String, Long> picture, JsonObject event) {
    picture.putAll(countiesOf(event));
    return sequenceOf(event);
  }

  private static Map<String, Long> countiesOf(JsonObject results) {
    var counts = new HashMap<String, Long>();
    for (var contest : results.getJsonArray("contests")) {
      var c = (JsonObject) contest;
      for (var state : c.getJsonArray("states", new io.vertx.core.json.JsonArray())) {
        var s = (JsonObject) state;
        for (var county : s.getJsonArray("counties", new io.vertx.core.json.JsonArray())) {
          var k = (JsonObject) county;
          k.getJsonObject("votes").forEach(v -> {
            if (((Number) v.getValue()).longValue() > 0) {
              counts.put(c.getString("id") + "/" + s.getString("state") + "/" + k.getString("fips") + "/" + v.getKey(),
                  ((Number) v.getValue()).longValue());
            }
          });
        }
      }
    }
    return counts;
  }

  private static long sequenceOf(JsonObject results) {
    return results.getLong("sequence");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
