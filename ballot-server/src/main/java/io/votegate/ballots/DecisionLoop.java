package io.votegate.ballots;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.votegate.model.AcceptedBallot;
import io.votegate.model.ReceiptStatus;
import io.votegate.model.RejectedBallot;
import io.votegate.model.SubmittedBallot;
import io.votegate.model.Topics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import io.votegate.model.ControlCommand;
import io.votegate.model.DayControls;
import io.votegate.platform.ControlFeed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Consumes {@code ballots} (group {@code ballot-server}) and emits each decision exactly once to
 * {@code ballots.accepted} / {@code ballots.rejected}, by consume-transform-produce: for each polled batch,
 * <ol>
 *   <li>decide it in PostgreSQL ({@link Decider}: one statement, or on a large batch two at once, each its own
 *   transaction);</li>
 *   <li>write the receipt statuses to Redis and notify waiting voters;</li>
 *   <li>send the decisions <em>and the consumer offsets</em> in one Kafka transaction.</li>
 * </ol>
 * A failure anywhere aborts the Kafka transaction and rewinds to the group's committed offsets, so a batch whose
 * transaction did not commit is replayed; step 1 recognises its own earlier work by receipt and source record, so the
 * transaction that finally commits carries each decision once. Infrastructure failures are retried, never dead-lettered; only records that cannot
 * be read go to {@code ballots.dlq}.
 *
 * <p>Steps 2 and 3 of one batch overlap step 1 of the next: while a batch's statuses are written and its transaction
 * commits (on a thread of its own), the next batch is decided in PostgreSQL; its transaction begins once the first
 * has committed. If either fails, both batches are replayed from the committed offsets, and step 1 recognises its own
 * work in both.
 *
 * <p>The Kafka clients block, so the loop owns a thread of its own; it waits on the reactive PostgreSQL and Redis
 * clients' futures there, never on an event loop.
 */
final class DecisionLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionLoop.class);
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  private final BallotServerConfig config;
  private final Decider decider;
  private final ReceiptPublisher receipts;
  private final Map<String, Counter> decisions = new HashMap<>();
  private final Counter dlq;
  private final Counter failedBatches;
  private final DistributionSummary batchSizes;
  private final Timer batchTimes;
  private final Map<String, Timer> stepTimes = new HashMap<>();
  private final FailureStreak streak = new FailureStreak();
  /** Partitions of a failed batch, with where the batch began, until their position is settled. */
  private final Map<TopicPartition, Long> unsettled = new HashMap<>();
  private volatile boolean running = true;
  private volatile Instant lastPoll = Instant.now();
  private volatile long lag;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;
  private boolean inTransaction;
  private final DayControls controls;
  /** The operators' commands, read on this thread before each batch; null without an operator key. */
  private ControlFeed controlFeed;
  private final List<ControlCommand> voterCommands = new ArrayList<>();

  DecisionLoop(BallotServerConfig config, Decider decider, ReceiptPublisher receipts, MeterRegistry registry,
               DayControls controls) {
    this.config = config;
    this.decider = decider;
    this.receipts = receipts;
    this.controls = controls;
    for (var outcome : List.of("accepted", "rejected", "duplicate")) {
      decisions.put(outcome, Counter.builder("votegate.ballot_server.decisions").tag("outcome", outcome)
          .description("Decisions committed, by outcome").register(registry));
    }
    dlq = Counter.builder("votegate.ballot_server.dead_letters").description("Unreadable records sent to the DLQ")
        .register(registry);
    failedBatches = Counter.builder("votegate.ballot_server.batches.failed")
        .description("Batches aborted and replayed after an infrastructure failure").register(registry);
    batchSizes = DistributionSummary.builder("votegate.ballot_server.batch.size")
        .description("Ballots per decided batch").register(registry);
    batchTimes = Timer.builder("votegate.ballot_server.batch.duration")
        .description("Time to decide and commit one batch").register(registry);
    for (var step : List.of("decide", "receipts", "commit")) {
      stepTimes.put(step, Timer.builder("votegate.ballot_server.step.duration").tag("step", step)
          .description("Time of one step of a batch: decide (PostgreSQL), receipts (Redis), commit (Kafka)")
          .register(registry));
    }
    Gauge.builder("votegate.ballot_server.batch.failing.attempts", streak, FailureStreak::failures)
        .description("Failed attempts in a row of the batch in hand; 0 when batches commit").register(registry);
    Gauge.builder("votegate.ballot_server.lag", () -> lag)
        .description("Ballots on the ballots topic not yet decided by this instance").register(registry);
  }

  @Override
  public void run() {
    consumer = new KafkaConsumer<>(consumerConfig());
    producer = newProducer();
    try {
      consumer.subscribe(List.of(Topics.BALLOTS));
      while (running) {
        ConsumerRecords<String, byte[]> records;
        try {
          if (!settle()) {
            pause(Duration.ofSeconds(1));
            continue;
          }
          // While a batch commits, take what is fetched already; with nothing there, let the commit finish first.
          records = consumer.poll(committing != null ? Duration.ZERO : Duration.ofMillis(500));
        } catch (WakeupException e) {
          break;
        }
        lastPoll = Instant.now();
        if (records.isEmpty()) {
          if (committing != null) {
            finishOrReplay(null);
          } else {
            lag = currentLag();
            idleControls();
          }
          continue;
        }
        // Every line logged about this batch names it (the "batch" field of JSON logs): where it starts, per partition.
        MDC.put("batch", batchId(records));
        try {
          long started = System.nanoTime();
          Decided decided;
          try {
            decided = decide(records);
          } catch (Exception e) {
            finishOrReplay(null); // the batch before stands or falls on its own
            unsettle(records);
            pause(failed(records.count(), e));
            continue;
          }
          if (!finishOrReplay(records)) {
            continue; // the batch before did not commit: this one is replayed after it
          }
          try {
            committing = startCommit(records, decided, started);
          } catch (Exception e) {
            producer = abort(producer);
            unsettle(records);
            pause(failed(records.count(), e));
          }
        } finally {
          MDC.remove("batch");
        }
      }
    } finally {
      finishOrReplay(null);
      committer.shutdown();
      producer.close(Duration.ofSeconds(10));
      // A graceful stop hands the partitions over at once; after a crash, the restarted instance reclaims its
      // static membership instead.
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(10))
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      if (controlFeed != null) {
        controlFeed.close();
      }
      LOG.info("decision loop stopped");
    }
  }

  /**
   * Waits for the batch that is committing, if any. Committed: its decisions count. Failed: its transaction is
   * aborted and its partitions, with those of {@code next} (decided meanwhile, not yet in a transaction), resume from
   * the group's committed offsets; the decision step recognises its own work in both when they come again. False
   * if it failed.
   */
  private boolean finishOrReplay(ConsumerRecords<String, byte[]> next) {
    var batch = committing;
    if (batch == null) {
      return true;
    }
    committing = null;
    try {
      batch.commit().get(STEP_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
      inTransaction = false;
      streak.succeeded();
      batchSizes.record(batch.records().count());
      batchTimes.record(System.nanoTime() - batch.started(), TimeUnit.NANOSECONDS);
      batch.decided().decisions()
          .forEach(d -> decisions.get(d.outcome().name().toLowerCase(java.util.Locale.ROOT)).increment());
      dlq.increment(batch.decided().unreadable().size());
      lag = currentLag();
      return true;
    } catch (Exception e) {
      var cause = e instanceof ExecutionException && e.getCause() instanceof Exception c ? c : e;
      producer = abort(producer);
      unsettle(batch.records());
      if (next != null) {
        unsettle(next);
      }
      pause(failed(batch.records().count(), cause));
      return false;
    }
  }

  /** Finishes the batch in hand, commits it, then stops; the thread ends soon after. */
  void stop() {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
  }

  /** Why the loop cannot be trusted to decide ballots now, if it cannot: stopped, stuck in a poll, or failing. */
  Optional<String> problem() {
    var now = Instant.now();
    if (!running) {
      return Optional.of("decision loop stopped");
    }
    if (Duration.between(lastPoll, now).toSeconds() >= 60) {
      return Optional.of("decision loop has not polled Kafka for " + Duration.between(lastPoll, now).toSeconds() + " s");
    }
    return streak.alarm(now).map(alarm -> "decision loop: " + alarm);
  }

  /**
   * A failed batch is replayed after a back-off. Every failure is counted; the first few are logged as warnings (a
   * broker election, a restarting database), and from the alarm on as errors with the cause, while readiness says why.
   */
  private Duration failed(int batchSize, Exception cause) {
    failedBatches.increment();
    var now = Instant.now();
    var backoff = streak.failed(batchSize, cause, now);
    if (!streak.alarming(now)) {
      LOG.warn("batch of {} failed, replaying it in {} ms: {}", batchSize, backoff.toMillis(), cause.toString());
    } else if (streak.failures() == FailureStreak.ALARM_AFTER) {
      LOG.error("batch of {} failed {} times in a row; ballots wait undecided; replaying it in {} ms", batchSize,
          streak.failures(), backoff.toMillis(), cause);
    } else {
      LOG.error("batch of {} failed {} times in a row; replaying it in {} ms: {}", batchSize, streak.failures(),
          backoff.toMillis(), cause.toString());
    }
    return backoff;
  }

  /** "ballots-3@1200+512 ballots-5@800+300": each partition's first offset and record count. */
  private static String batchId(ConsumerRecords<String, byte[]> records) {
    var id = new StringBuilder();
    for (var partition : records.partitions()) {
      var inPartition = records.records(partition);
      id.append(id.isEmpty() ? "" : " ").append(partition).append('@').append(inPartition.get(0).offset())
          .append('+').append(inPartition.size());
    }
    return id.toString();
  }

  private long currentLag() {
    long total = 0;
    for (var partition : consumer.assignment()) {
      total += consumer.currentLag(partition).orElse(0);
    }
    return total;
  }

  /**
   * Every command issued so far, before the batch is judged: a ballot accepted after a poll extension or a
   * revocation was issued meets it here, however recently. A revocation that cannot be written fails the batch,
   * and the next attempt reads every command again (they are idempotent).
   */
  private void applyControls() throws Exception {
    if (controlFeed == null) {
      if (config.operatorKey() == null) {
        return;
      }
      controlFeed = new ControlFeed(config.kafkaBootstrap(), config.operatorKey(), "ballot-server", command -> {
        controls.apply(command);
        if (!command.isPolls()) {
          voterCommands.add(command);
        }
      });
    }
    try {
      controlFeed.catchUp();
      for (var command : voterCommands) {
        await(decider.apply(command));
      }
      voterCommands.clear();
    } catch (Exception e) {
      voterCommands.clear();
      controlFeed.close();
      controlFeed = null; // read them all again next time
      throw e;
    }
  }

  /** Between batches too, so that a revocation reaches the roll (and the audit log) within a second. */
  private void idleControls() {
    try {
      applyControls();
    } catch (Exception e) {
      LOG.warn("cannot apply the operators' commands yet (they are applied before the next batch): {}", e.toString());
    }
  }

  /**
   * A batch in its Kafka transaction, committing on the committer thread while the loop decides the next batch in
   * PostgreSQL: the commit's round trips (offsets, end of transaction, markers) no longer add to every batch's time.
   * One transaction at a time still: the next begins only once this one has committed.
   */
  private record Committing(ConsumerRecords<String, byte[]> records, Decided decided, long started,
                            CompletableFuture<Void> commit) {}

  /** A batch's decisions, when they were made, and its records that could not be read (for the DLQ). */
  private record Decided(List<Decider.Decision> decisions, List<ConsumerRecord<String, byte[]>> unreadable,
                         Instant at) {}

  private Committing committing;
  private final ExecutorService committer = Executors.newSingleThreadExecutor(
      r -> new Thread(r, "ballot-server-commits"));

  /** Step 1: the batch decided in PostgreSQL. */
  private Decided decide(ConsumerRecords<String, byte[]> records) throws Exception {
    applyControls();
    var candidates = new ArrayList<Decider.Candidate>();
    var unreadable = new ArrayList<ConsumerRecord<String, byte[]>>();
    for (var record : records) {
      try {
        var ballot = SubmittedBallot.fromJson(new JsonObject(new String(record.value(), StandardCharsets.UTF_8)));
        if (!ballot.electionId().equals(config.election().id())) {
          throw new IllegalArgumentException("ballot of election " + ballot.electionId());
        }
        candidates.add(new Decider.Candidate(ballot, record.partition() + ":" + record.offset()));
      } catch (RuntimeException e) {
        unreadable.add(record);
      }
    }

    long began = System.nanoTime();
    var decided = await(decider.decide(candidates));
    stepTimes.get("decide").record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
    return new Decided(decided, unreadable, Instant.now());
  }

  /**
   * Steps 2 and 3, under way while the loop decides the next batch: the statuses go to Redis, the decisions into a
   * Kafka transaction, and once Redis has the statuses, the consumer offsets join the transaction and it commits, on
   * the committer thread. Statuses are written before the offsets commit, so a committed batch's statuses are all in
   * Redis; a failed write fails the commit, and the batch is replayed like any other that did not commit.
   */
  private Committing startCommit(ConsumerRecords<String, byte[]> records, Decided decided, long started) {
    var producer = this.producer;
    var at = decided.at();
    long publishing = System.nanoTime();
    var statuses = receipts.publish(decided.decisions().stream().filter(d -> d.outcome() != Decider.Outcome.DUPLICATE)
        .map(d -> status(d, at)).toList())
        .onSuccess(ok -> stepTimes.get("receipts").record(System.nanoTime() - publishing, TimeUnit.NANOSECONDS));
    producer.beginTransaction();
    inTransaction = true;
    for (var d : decided.decisions()) {
      var ballot = d.candidate().ballot();
      switch (d.outcome()) {
        case ACCEPTED -> producer.send(new ProducerRecord<>(Topics.ACCEPTED, ballot.state(), bytes(new AcceptedBallot(
            ballot.ballotId(), ballot.electionId(), ballot.state(), ballot.county(), ballot.selections(),
            at.truncatedTo(ChronoUnit.HOURS)).toJson())));
        case REJECTED -> producer.send(new ProducerRecord<>(Topics.REJECTED, ballot.state(),
            bytes(new RejectedBallot(ballot.receipt(), d.reason(), at).toJson())));
        case DUPLICATE -> { }
      }
    }
    for (var record : decided.unreadable()) {
      var dead = new ProducerRecord<>(Topics.DLQ, record.key(), record.value());
      dead.headers().add("votegate.source", (record.topic() + "/" + record.partition() + "/" + record.offset())
          .getBytes(StandardCharsets.UTF_8));
      producer.send(dead);
    }
    var offsets = nextOffsets(records);
    var group = consumer.groupMetadata(); // the consumer is this thread's alone
    var commit = CompletableFuture.runAsync(() -> {
      try {
        await(statuses);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
      long from = System.nanoTime();
      producer.sendOffsetsToTransaction(offsets, group);
      producer.commitTransaction();
      stepTimes.get("commit").record(System.nanoTime() - from, TimeUnit.NANOSECONDS);
    }, committer);
    return new Committing(records, decided, started, commit);
  }

  private static ReceiptStatus status(Decider.Decision d, Instant at) {
    var receipt = d.candidate().ballot().receipt();
    return d.outcome() == Decider.Outcome.ACCEPTED
        ? ReceiptStatus.counted(receipt, at)
        : ReceiptStatus.rejected(receipt, d.reason(), at);
  }

  private static byte[] bytes(JsonObject json) {
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
    var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
    for (var partition : records.partitions()) {
      var list = records.records(partition);
      offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    return offsets;
  }

  /** After a failed batch, its partitions resume from what the group committed (see {@link #settle()}). */
  private void unsettle(ConsumerRecords<String, byte[]> records) {
    for (var partition : records.partitions()) {
      unsettled.putIfAbsent(partition, records.records(partition).get(0).offset());
    }
  }

  /**
   * Where a failed batch resumes is where the group's committed offsets say, not where the batch began: a commit
   * that failed on the client (a timeout, a broker restart) may have gone through on the broker, and replaying its
   * batch would then emit every decision a second time. The offsets are read stable (a read_committed consumer asks
   * the broker to wait for a transaction still ending). A partition with no commit yet resumes from the batch's
   * start; a revoked one from its commit, wherever it goes. False while the offsets cannot be read: nothing is
   * polled meanwhile.
   */
  private boolean settle() {
    unsettled.keySet().retainAll(consumer.assignment());
    if (unsettled.isEmpty()) {
      return true;
    }
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = consumer.committed(unsettled.keySet(), Duration.ofSeconds(10));
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("cannot read the committed offsets to resume from yet: {}", e.toString());
      return false;
    }
    unsettled.forEach((partition, batchStart) -> {
      var commit = committed.get(partition);
      consumer.seek(partition, commit != null ? commit.offset() : batchStart);
    });
    unsettled.clear();
    return true;
  }

  /** Aborts the open transaction; a producer that cannot abort (fenced, or in a fatal state) is replaced. */
  private KafkaProducer<String, byte[]> abort(KafkaProducer<String, byte[]> producer) {
    if (!inTransaction) {
      return producer;
    }
    inTransaction = false;
    try {
      producer.abortTransaction();
      return producer;
    } catch (Exception e) {
      LOG.warn("replacing the transactional producer: {}", e.toString());
      producer.close(Duration.ZERO);
      return newProducer();
    }
  }

  private KafkaProducer<String, byte[]> newProducer() {
    var producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        // A batch's decisions go out together at its commit: in one produce batch per partition, not in 16 KB ones.
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
        ProducerConfig.CLIENT_ID_CONFIG, "votegate-ballot-server-" + config.instanceId()),
        new StringSerializer(), new ByteArraySerializer());
    producer.initTransactions();
    return producer;
  }

  private Map<String, Object> consumerConfig() {
    return Map.ofEntries(
        Map.entry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap()),
        Map.entry(ConsumerConfig.GROUP_ID_CONFIG, "ballot-server"),
        // Static membership: an instance restarted after a crash takes over its old membership and partitions at
        // once, instead of waiting for the dead member's rebalance timeout with no partitions at all.
        Map.entry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "ballot-server-" + config.instanceId()),
        Map.entry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000),
        Map.entry(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 120_000),
        Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        Map.entry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchSize()),
        // A backlog on one partition fills a whole batch from one fetch (a ballot is about 400 bytes).
        Map.entry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024),
        // Ballots wait in the broker until a fetch has 256 KB of them (about 650) or for 100 ms: each batch is a
        // Kafka transaction, a statement and a commit in PostgreSQL and a pipeline to Redis, whatever its size, and
        // a loop that took whatever had arrived decided 95 ballots a batch at 12,000/s and spent a third more CPU a
        // ballot (bench --hold 12000: 124 against 90 µs; the broker alone 20 against 8).
        Map.entry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024),
        Map.entry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100),
        Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class),
        Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class),
        Map.entry(ConsumerConfig.CLIENT_ID_CONFIG, "votegate-ballot-server-" + config.instanceId()));
  }

  /** The step's result, or its own failure (not wrapped), or a timeout: a hung step fails like any other. */
  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Sleeps, but wakes for a stop: a graceful stop does not wait out a back-off. */
  private void pause(Duration duration) {
    var until = System.nanoTime() + duration.toNanos();
    try {
      while (running && System.nanoTime() < until) {
        Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}
