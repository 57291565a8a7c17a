package io.votegate.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.votegate.model.Keys;
import io.votegate.model.Topics;
import io.votegate.model.VoterCodes;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.testkit.Infra;
import io.votegate.testkit.VoterClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway for tests, on a real Kafka broker and Redis started for it: the demo election with polls open, fresh keys,
 * two event loops, and whatever settings a test adds. Also what tests ask of it: voters' codes and tokens, and the
 * ballots it published.
 */
final class TestGateway implements AutoCloseable {
  final Keys keys;
  final Infra infra;
  final Vertx vertx;
  final Service gateway;
  final String base;
  final VoterClient client;

  TestGateway(Map<String, String> settings) throws Exception {
    var roll = Keys.generate();
    var token = Keys.generate();
    var receipt = Keys.generate();
    keys = Keys.fromBase64(roll, token, receipt);
    infra = new Infra().withKafka().withRedis();
    int port = Infra.freePort();
    var env = new HashMap<>(Map.of(
        "VOTEGATE_GATEWAY_PORT", String.valueOf(port),
        "VOTEGATE_GATEWAY_INSTANCES", "2",
        "VOTEGATE_KAFKA_BOOTSTRAP", infra.kafkaBootstrap(),
        "VOTEGATE_REDIS_URI", infra.redisUri(),
        "VOTEGATE_ELECTION_START", Instant.now().minusSeconds(60).toString(),
        "VOTEGATE_ROLL_KEY", roll, "VOTEGATE_TOKEN_KEY", token, "VOTEGATE_RECEIPT_KEY", receipt));
    env.putAll(settings);
    var metrics = Metrics.create();
    vertx = metrics.vertx();
    gateway = Main.start(vertx, metrics, GatewayConfig.fromEnv(env)).await(60, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + port;
    client = new VoterClient(base);
  }

  String code(String voterId) {
    return new VoterCodes(keys.roll()).codeFor("demo", voterId);
  }

  JsonObject signIn(String voterId) throws Exception {
    return client.signIn(voterId, code(voterId));
  }

  String token(String voterId) throws Exception {
    return signIn(voterId).getString("token");
  }

  /** Records on topic ballots: the sum of its partitions' end offsets (the gateway's producer is not transactional). */
  long publishedCount() {
    try (var consumer = consumer()) {
      return consumer.endOffsets(partitions(consumer)).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Every record on topic ballots, oldest first. */
  List<ConsumerRecord<String, String>> ballotsOnTopic() {
    try (var consumer = consumer()) {
      var partitions = partitions(consumer);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions);
      var records = new ArrayList<ConsumerRecord<String, String>>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      records.sort(java.util.Comparator.comparing(ConsumerRecord::timestamp));
      return records;
    }
  }

  private KafkaConsumer<String, String> consumer() {
    return new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", infra.kafkaBootstrap()),
        new StringDeserializer(), new StringDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer) {
    return consumer.partitionsFor(Topics.BALLOTS).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  @Override
  public void close() throws Exception {
    gateway.stop().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    infra.close();
  }
}
