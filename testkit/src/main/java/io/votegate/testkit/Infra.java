package io.votegate.testkit;

import io.votegate.model.Topics;
import io.votegate.platform.FreePorts;
import io.votegate.embedded.PostgresNode;
import io.votegate.embedded.RedisNode;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real servers for tests, started from Maven artifacts on free ports: a KRaft Kafka broker (KafkaClusterTestKit),
 * PostgreSQL (zonky embedded binaries) and Redis (embedded-redis). Start only what a test needs; close stops all.
 */
public final class Infra implements AutoCloseable {
  private final List<AutoCloseable> started = new ArrayList<>();
  private KafkaClusterTestKit kafka;
  private PostgresNode postgres;
  private int postgresPort;
  private Path postgresDir;
  private int redisPort;
  private Path redisDir;
  private RedisNode redis;

  public static int freePort() {
    return FreePorts.pick();
  }

  /** A single combined KRaft node with the Votegate topics created. */
  public Infra withKafka() throws Exception {
    kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
        // Without these a single broker never forms consumer groups or transactions, and tests hang silently.
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build();
    started.add(0, kafka);
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
    try (var admin = kafka.admin()) {
      admin.createTopics(Topics.definitions().stream()
          .map(d -> new NewTopic(d.name(), d.partitions(), (short) 1).configs(d.config())).toList()).all().get();
    }
    return this;
  }

  public Infra withPostgres() throws IOException {
    postgresPort = freePort();
    var tree = Files.createTempDirectory("votegate-pg");
    postgresDir = tree.resolve("data"); // its log beside it, in the same tree
    started.add(0, () -> TempTrees.delete(tree)); // tens of MB a test otherwise left behind
    startPostgres();
    started.add(0, () -> stopPostgres());
    return this;
  }

  /** Stops PostgreSQL, keeping its data, as an outage would; {@link #startPostgres()} brings it back on its port. */
  public void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  public void startPostgres() throws IOException {
    postgres = PostgresNode.start(postgresDir, postgresPort, Map.of());
  }

  public Infra withRedis() throws IOException {
    redisPort = freePort();
    redisDir = Files.createTempDirectory("votegate-redis");
    started.add(0, () -> TempTrees.delete(redisDir));
    startRedis();
    started.add(0, this::stopRedis);
    return this;
  }

  /** Stops Redis, as an outage would; {@link #startRedis()} brings it back, empty, on its port. */
  public void stopRedis() throws IOException {
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }

  public void startRedis() throws IOException {
    redis = RedisNode.ephemeral(redisDir, redisPort);
  }

  public String kafkaBootstrap() {
    return kafka.bootstrapServers();
  }

  public String redisUri() {
    return "redis://127.0.0.1:" + redisPort;
  }

  /** The one number a query returns (a count, say), from the test PostgreSQL's {@code postgres} database. */
  public long queryLong(String sql) throws java.sql.SQLException {
    try (var conn = java.sql.DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + postgresPort + "/postgres", "postgres", "");
         var rs = conn.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The values on a topic as a read_committed consumer (the tally) sees them, read from the start once at least
   * {@code expected} are there, or whatever is there after 30 s.
   */
  public List<String> committedValues(String topic, int expected) {
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafkaBootstrap(),
        "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
      var partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var values = new ArrayList<String>();
      var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      var end = new HashMap<>(consumer.endOffsets(partitions));
      while (System.nanoTime() < deadline
          && (values.size() < expected || partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)))) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        end.putAll(consumer.endOffsets(partitions));
      }
      return values;
    }
  }

  public int postgresPort() {
    return postgresPort;
  }

  @Override
  public void close() {
    for (var resource : started) {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("test infrastructure did not stop cleanly: " + e);
      }
    }
    started.clear();
  }
}
