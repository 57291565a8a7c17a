package io.votegate.tally;

import io.micrometer.core.instrument.Counter;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads every partition of {@code ballots.accepted}, {@code read_committed}: only decisions whose Kafka transaction
 * committed, each exactly once. No consumer group: every tally replica reads everything. It starts from the latest
 * checkpoint (restored into {@link Counts} first) or, without one, from the first record, and is caught up once it
 * has read to the end offsets that existed when it started: until then its counts are partial and must not be served
 * as live. The blocking consumer owns a thread; each batch is applied on the tally's event loop, and the next poll
 * waits until it has been, so counting never falls behind reading without bound.
 */
final class AcceptedBallotsFeed implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptedBallotsFeed.class);

  /** Where the counts started from: a checkpoint's sequence (0 cold) and the records there were to read after it. */
  record Start(long sequence, long toRead, boolean fromCheckpoint) {}

  private final KafkaConsumer<String, String> consumer;
  private final Context context;
  private final Counts counts;
  private final Checkpoints checkpoints;
  private final boolean restore;
  private final Counter applied;
  private final Timer freshness;
  private volatile boolean running = true;
  private volatile Instant lastPoll = Instant.now();
  private volatile Start start;
  private volatile boolean caughtUp;
  private volatile long behind = -1;
  /** The offsets the counts reflect: the position after the last batch applied. Read and written on the loop. */
  private Map<Integer, Long> appliedOffsets = Map.of();

  /** {@code freshness} times each ballot from its decision (the record's timestamp) to its being counted. */
  AcceptedBallotsFeed(String bootstrap, Context context, Counts counts, Checkpoints checkpoints, boolean restore,
                      Counter applied, Timer freshness) {
    this.consumer = consumer(bootstrap, "votegate-tally");
    this.context = context;
    this.counts = counts;
    this.checkpoints = checkpoints;
    this.restore = restore;
    this.applied = applied;
    this.freshness = freshness;
  }

  /** A reader of {@code ballots.accepted} as the tally reads it: committed decisions only, no group, in batches. */
  static KafkaConsumer<String, String> consumer(String bootstrap, String clientId) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000,
        // A fetch the broker holds back waits out this much at most: under read_committed, a transaction's
        // decisions become readable at its commit marker, which need not wake a fetch that is waiting.
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
        ConsumerConfig.CLIENT_ID_CONFIG, clientId), new StringDeserializer(), new StringDeserializer());
  }

  /** Every partition of {@code ballots.accepted}, assigned to {@code consumer}. */
  static List<TopicPartition> assignAll(KafkaConsumer<String, String> consumer) {
    var partitions = consumer.partitionsFor(Topics.ACCEPTED, Duration.ofMinutes(1)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    return partitions;
  }

  @Override
  public void run() {
    try {
      var partitions = assignAll(consumer);
      var latest = restore ? checkpoints.latest(counts.electionId()) : Optional.<Checkpoints.Checkpoint>empty();
      Map<Integer, Long> from = new HashMap<>();
      Optional<Checkpoints.Checkpoint> checkpoint = Optional.empty();
      if (latest.isPresent()) {
        try {
          onLoop(() -> {
            counts.restore(latest.get().counts());
            appliedOffsets = Map.copyOf(latest.get().offsets());
          });
          from.putAll(latest.get().offsets());
          checkpoint = latest;
        } catch (RuntimeException unusable) {
          // Another definition of the election (or a damaged record): counting from the start is always right.
          LOG.warn("the checkpoint of {} cannot be restored ({}): counting from the start", latest.get().instance(),
              unusable.getMessage());
          onLoop(counts::clear);
        }
      }
      for (var partition : partitions) {
        consumer.seek(partition, from.getOrDefault(partition.partition(), 0L));
      }
      // read_committed: the end offsets are the last stable offsets, what this tally must count before it is live.
      var target = consumer.endOffsets(partitions);
      long toRead = partitions.stream().mapToLong(p -> Math.max(0, target.get(p) - consumer.position(p))).sum();
      start = new Start(checkpoint.map(Checkpoints.Checkpoint::sequence).orElse(0L), toRead, checkpoint.isPresent());
      LOG.info("counting from {}: {} records to read before the counts are live",
          checkpoint.map(c -> "the checkpoint of " + c.instance() + " at sequence " + c.sequence()).orElse("the start"),
          toRead);
      while (running) {
        behind = partitions.stream().mapToLong(p -> Math.max(0, target.get(p) - consumer.position(p))).sum();
        if (!caughtUp && behind == 0) {
          caughtUp = true;
          LOG.info("caught up: the counts are live");
        }
        var records = consumer.poll(Duration.ofMillis(500));
        lastPoll = Instant.now();
        if (records.isEmpty()) {
          continue;
        }
        var batch = new ArrayList<AcceptedBallot>(records.count());
        var decidedAt = new long[records.count()];
        int decided = 0;
        for (var record : records) {
          try {
            batch.add(AcceptedBallot.fromJson(new JsonObject(record.value())));
            decidedAt[decided++] = record.timestamp();
          } catch (RuntimeException e) {
            LOG.error("unreadable accepted ballot at {}/{}: {}", record.partition(), record.offset(), e.toString());
          }
        }
        int count = decided;
        var positions = new HashMap<Integer, Long>();
        partitions.forEach(p -> positions.put(p.partition(), consumer.position(p)));
        onLoop(() -> {
          for (int i = 0; i < count; i++) {
            counts.apply(batch.get(i), decidedAt[i]);
          }
          appliedOffsets = Map.copyOf(positions);
          applied.increment(batch.size());
        });
        long countedAt = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
          freshness.record(Math.max(0, countedAt - decidedAt[i]), TimeUnit.MILLISECONDS);
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

  /** Runs {@code work} on the tally's event loop, where the counts live, and waits for it. */
  private void onLoop(Runnable work) {
    var done = new CompletableFuture<Void>();
    context.runOnContext(v -> {
      try {
        work.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    done.join();
  }

  /** The offsets the counts now reflect; on the event loop. */
  Map<Integer, Long> appliedOffsets() {
    return appliedOffsets;
  }

  /** Where counting started, once known. */
  Start start() {
    return start;
  }

  /** Whether the counts include every record that existed when the tally started: only then are they live. */
  boolean caughtUp() {
    return caughtUp;
  }

  /** Records still to read before caught up (0 after), or -1 before the start is known. */
  long behind() {
    return caughtUp ? 0 : behind;
  }

  boolean healthy() {
    return running && Duration.between(lastPoll, Instant.now()).toSeconds() < 60;
  }

  void stop() {
    running = false;
    consumer.wakeup();
  }
}
