package io.votegate.tally;

import io.vertx.core.json.JsonObject;
import io.votegate.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The tally's checkpoints: its counters, sequence and the offsets of {@code ballots.accepted} they reflect, gzipped
 * JSON on the compacted topic {@code tally.checkpoints}, keyed by the tally's instance id. Kafka rather than a file on
 * a volume: tally replicas are stateless pods with no volume, and any replica, or a new one, can start from another's
 * checkpoint (counts are a pure function of the offsets read, so every replica's checkpoint is a true state). A tally
 * restores its own latest checkpoint if there is one, so its sequence numbers go on where they left off; else the
 * most advanced one of the election. Blocking: called from the feed's own thread.
 */
final class Checkpoints implements AutoCloseable {
  /** A checkpoint read back: the counters (see {@link Counts#toCheckpoint()}) and the offsets they reflect. */
  record Checkpoint(String instance, JsonObject counts, Map<Integer, Long> offsets) {
    long sequence() {
      return counts.getLong("sequence");
    }
  }

  private static final int MAX_BYTES = 16 * 1024 * 1024;
  /** Bumped when the stored form changes; a checkpoint of another format is passed over (the tally rebuilds). */
  private static final int FORMAT = 2;

  private final String bootstrap;
  private final String instance;
  private final KafkaProducer<String, byte[]> producer;

  Checkpoints(String bootstrap, String instance) {
    this.bootstrap = bootstrap;
    this.instance = instance;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_BYTES,
        ProducerConfig.CLIENT_ID_CONFIG, "votegate-tally-checkpoints-" + instance),
        new StringSerializer(), new ByteArraySerializer());
  }

  /** The checkpoint to start from for {@code electionId}: this instance's latest, else the most advanced one. */
  Optional<Checkpoint> latest(String electionId) {
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_BYTES,
        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_BYTES,
        ConsumerConfig.CLIENT_ID_CONFIG, "votegate-tally-checkpoints-" + instance),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      var partitions = consumer.partitionsFor(Topics.TALLY_CHECKPOINTS, Duration.ofMinutes(1)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions);
      var latestByInstance = new HashMap<String, Checkpoint>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (var record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value() == null) {
            continue;
          }
          decode(record.key(), record.value())
              .filter(checkpoint -> electionId.equals(checkpoint.counts().getString("electionId")))
              .ifPresent(checkpoint -> latestByInstance.put(record.key(), checkpoint));
        }
      }
      return Optional.ofNullable(latestByInstance.get(instance)).or(() -> latestByInstance.values().stream()
          .max(java.util.Comparator.comparingLong(Checkpoint::sequence)));
    }
  }

  /** Stores a checkpoint; completes once Kafka has it on every in-sync replica. */
  Future<?> save(JsonObject counts, Map<Integer, Long> offsets) {
    var json = new JsonObject().put("format", FORMAT).put("counts", counts);
    var offsetsJson = new JsonObject();
    offsets.forEach((partition, offset) -> offsetsJson.put(String.valueOf(partition), offset));
    json.put("offsets", offsetsJson);
    return producer.send(new ProducerRecord<>(Topics.TALLY_CHECKPOINTS, instance, gzip(json.encode())));
  }

  private static Optional<Checkpoint> decode(String instance, byte[] value) {
    var json = new JsonObject(gunzip(value));
    if (json.getInteger("format", 0) != FORMAT) {
      return Optional.empty();
    }
    var offsets = new HashMap<Integer, Long>();
    json.getJsonObject("offsets").forEach(e -> offsets.put(Integer.parseInt(e.getKey()), ((Number) e.getValue()).longValue()));
    return Optional.of(new Checkpoint(instance, json.getJsonObject("counts"), Map.copyOf(offsets)));
  }

  private static byte[] gzip(String text) {
    var bytes = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String gunzip(byte[] bytes) {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
