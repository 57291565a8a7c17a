package io.votegate.tally;

import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.votegate.model.AcceptedBallot;
import io.votegate.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads every partition of {@code ballots.accepted} from its first record, {@code read_committed}: only decisions
 * whose Kafka transaction committed, each exactly once. No consumer group: every tally replica reads everything.
 * The blocking consumer owns a thread; each batch is applied on the tally's event loop, and the next poll waits
 * until it has been, so counting never falls behind reading without bound.
 */
final class AcceptedBallotsFeed implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptedBallotsFeed.class);

  private final KafkaConsumer<String, String> consumer;
  private final Context context;
  private final Consumer<List<AcceptedBallot>> apply;
  private final Timer freshness;
  private volatile boolean running = true;
  private volatile Instant lastPoll = Instant.now();

  /** {@code freshness} times each ballot from its decision (the record's timestamp) to its being counted. */
  AcceptedBallotsFeed(String bootstrap, Context context, Consumer<List<AcceptedBallot>> apply, Timer freshness) {
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000,
        ConsumerConfig.CLIENT_ID_CONFIG, "votegate-tally"), new StringDeserializer(), new StringDeserializer());
    this.context = context;
    this.apply = apply;
    this.freshness = freshness;
  }

  @Override
  public void run() {
    try {
      var partitions = consumer.partitionsFor(Topics.ACCEPTED, Duration.ofMinutes(1)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        var records = consumer.poll(Duration.ofMillis(500));
        lastPoll = Instant.now();
        if (records.isEmpty()) {
          continue;
        }
        var batch = new ArrayList<AcceptedBallot>(records.count());
        var decidedAt = new long[records.count()];
        int decided = 0;
        for (var record : records) {
          decidedAt[decided++] = record.timestamp();
          try {
            batch.add(AcceptedBallot.fromJson(new JsonObject(record.value())));
          } catch (RuntimeException e) {
            LOG.error("unreadable accepted ballot at {}/{}: {}", record.partition(), record.offset(), e.toString());
          }
        }
        var applied = new CompletableFuture<Void>();
        context.runOnContext(v -> {
          apply.accept(batch);
          applied.complete(null);
        });
        applied.join();
        long countedAt = System.currentTimeMillis();
        for (long at : decidedAt) {
          freshness.record(Math.max(0, countedAt - at), TimeUnit.MILLISECONDS);
        }
      }
    } catch (WakeupException e) {
      // stopping
    } catch (RuntimeException e) {
      LOG.error("the accepted-ballots feed stopped", e);
      running = false;
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  boolean healthy() {
    return running && Duration.between(lastPoll, Instant.now()).toSeconds() < 60;
  }

  void stop() {
    running = false;
    consumer.wakeup();
  }
}
