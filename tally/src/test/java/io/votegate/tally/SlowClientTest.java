package io.votegate.tally;

import io.vertx.core.json.JsonObject;
import io.votegate.model.AcceptedBallot;
import io.votegate.model.Election;
import io.votegate.model.Topics;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.testkit.Infra;
import io.votegate.testkit.VoterClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A newsroom whose client stops reading, on a real Kafka broker with the us-2020 counties: while it can still take
 * something it gets conflated deltas (each tick it misses is covered by its next delta), and once it has read nothing
 * for the stall timeout it is dropped, so what it holds on the server is bounded by its write queue. A client that
 * reads meanwhile keeps up and ends with the snapshot's counts.
 */
class SlowClientTest {

  @Test
  void aClientThatStopsReadingGetsConflatedDeltasThenIsDroppedWhileAReaderKeepsUp() throws Exception {
    var start = Instant.now().minus(1, ChronoUnit.HOURS);
    var election = Election.load("us-2020", start);
    try (var infra = new Infra().withKafka();
         var producer = new KafkaProducer<>(Map.<String, Object>of(
             ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
             ProducerConfig.TRANSACTIONAL_ID_CONFIG, "slow-client-test"), new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      int port = Infra.freePort();
      var metrics = Metrics.create();
      var vertx = metrics.vertx();
      Service tally = Main.start(vertx, metrics, TallyConfig.fromEnv(Map.of(
          "VOTEGATE_KAFKA_BOOTSTRAP", infra.kafkaBootstrap(),
          "VOTEGATE_TALLY_PORT", String.valueOf(port),
          "VOTEGATE_ELECTION", "us-2020",
          "VOTEGATE_ELECTION_START", start.toString(),
          "VOTEGATE_DELTA_INTERVAL", "PT0.1S",
          "VOTEGATE_SSE_STALL_TIMEOUT", "PT2S"))).await(60, TimeUnit.SECONDS);
      try {
        var client = new VoterClient("http://127.0.0.1:" + port);
        awaitReady(client);
        var reader = client.events("/api/v1/results/stream?level=county", null, null);
        VoterClient.next(reader, "snapshot");
        try (var stalled = new Socket()) {
          stalled.setReceiveBufferSize(1024); // and it never reads
          stalled.connect(new InetSocketAddress("127.0.0.1", port));
          stalled.getOutputStream().write(("GET /api/v1/results/stream?level=county HTTP/1.1\r\nHost: tally\r\n"
              + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

          // Ballots in every county, so that each county-level delta is large, until the tally gives up on it.
          var counties = election.states().stream().flatMap(s -> s.counties().stream().map(c -> List.of(s.code(), c.fips())))
              .toList();
          long produced = 0;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          long largestDelta = 0;
          while (counter(client, "votegate_tally_stream_dropped_total") < 1 && System.nanoTime() < deadline) {
            producer.beginTransaction();
            for (var county : counties) {
              var ballot = new AcceptedBallot(UUID.randomUUID(), "us-2020", county.get(0), county.get(1),
                  Map.of("president", List.of("dem")), Instant.now().truncatedTo(ChronoUnit.HOURS));
              producer.send(new ProducerRecord<>(Topics.ACCEPTED, county.get(0), ballot.toJson().encode()));
            }
            producer.commitTransaction();
            produced += counties.size();
            for (String[] event; (event = reader.poll()) != null; ) {
              largestDelta = Math.max(largestDelta, event[1].length());
            }
            Thread.sleep(100);
          }
          assertEquals(1, counter(client, "votegate_tally_stream_dropped_total"), "the stalled client was dropped");
          assertTrue(counter(client, "votegate_tally_stream_conflated_total") > 0, "its missed ticks were conflated");
          assertTrue(closedByServer(stalled), "its connection is closed");
          System.out.printf("stalled client dropped after %,d ballots; the largest delta was %,d bytes%n", produced,
              largestDelta);

          // The reader kept up: once the count settles, its last delta says what the snapshot says.
          long total = produced;
          awaitCondition(() -> sequence(client) == total);
          JsonObject last = null;
          for (String[] event; (event = reader.poll(2, TimeUnit.SECONDS)) != null; ) {
            last = new JsonObject(event[1]);
          }
          assertNotNull(last);
          assertEquals(total, last.getLong("sequence"));
          assertEquals(1, counter(client, "votegate_tally_stream_clients"), "only the reader is left");
        }
      } finally {
        tally.stop().await(30, TimeUnit.SECONDS);
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Reads what the server sent until it closes the connection; true if it did within 10 s. */
  private static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    var in = socket.getInputStream();
    var buffer = new byte[65_536];
    try {
      while (in.read(buffer) >= 0) {
        // drain: the server closed after what it had written
      }
      return true;
    } catch (java.net.SocketException reset) {
      return true;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    }
  }

  private static double counter(VoterClient client, String name) throws Exception {
    return client.get("/metrics").body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static long sequence(VoterClient client) throws Exception {
    return client.getJson("/api/v1/results?level=national").getLong("sequence");
  }

  private static void awaitReady(VoterClient client) throws Exception {
    awaitCondition(() -> client.get("/health/ready").statusCode() == 200);
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitCondition(Condition condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.holds()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(100);
    }
  }
}
