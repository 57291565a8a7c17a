package io.votegate.tally;

import io.vertx.core.Vertx;
import io.votegate.model.AcceptedBallot;
import io.votegate.model.Topics;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.testkit.Infra;
import io.votegate.testkit.VoterClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tally for tests, in this JVM, on a real Kafka broker started for it, and a transactional producer that writes
 * accepted ballots as the ballot-server does. Also what tests ask of it: metrics, the sequence, readiness.
 */
final class TestTally implements AutoCloseable {
  final Infra infra;
  final Vertx vertx;
  final Service tally;
  final VoterClient client;
  final int port;
  final String electionId;
  private final KafkaProducer<String, String> producer;

  TestTally(String election, Instant start, Map<String, String> settings) throws Exception {
    infra = new Infra().withKafka();
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-tally-producer"), new StringSerializer(), new StringSerializer());
    producer.initTransactions();
    port = Infra.freePort();
    var env = new HashMap<>(Map.of(
        "VOTEGATE_KAFKA_BOOTSTRAP", infra.kafkaBootstrap(),
        "VOTEGATE_TALLY_PORT", String.valueOf(port),
        "VOTEGATE_ELECTION", election,
        "VOTEGATE_ELECTION_START", start.toString(),
        "VOTEGATE_DELTA_INTERVAL", "PT0.1S"));
    env.putAll(settings);
    var config = TallyConfig.fromEnv(env);
    electionId = config.election().id();
    var metrics = Metrics.create();
    vertx = metrics.vertx();
    tally = Main.start(vertx, metrics, config).await(60, TimeUnit.SECONDS);
    client = new VoterClient("http://127.0.0.1:" + port);
    await(() -> client.get("/health/ready").statusCode() == 200);
  }

  /** One committed transaction of accepted ballots, one per {state, county} given, for {@code president: dem}. */
  void produce(List<List<String>> stateCounties) {
    producer.beginTransaction();
    for (var unit : stateCounties) {
      var ballot = new AcceptedBallot(UUID.randomUUID(), electionId, unit.get(0), unit.get(1),
          Map.of("president", List.of("dem")), Instant.now().truncatedTo(ChronoUnit.HOURS));
      producer.send(new ProducerRecord<>(Topics.ACCEPTED, unit.get(0), ballot.toJson().encode()));
    }
    producer.commitTransaction();
  }

  double metric(String name) throws Exception {
    return client.metric(name);
  }

  long sequence() throws Exception {
    return client.getJson("/api/v1/results?level=national").getLong("sequence");
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  static void await(Condition condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.holds()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(100);
    }
  }

  @Override
  public void close() throws Exception {
    tally.stop().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    producer.close();
    infra.close();
  }
}
