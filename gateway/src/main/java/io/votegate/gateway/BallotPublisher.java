package io.votegate.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.votegate.model.SubmittedBallot;
import io.votegate.model.Topics;
import io.votegate.platform.Problem;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes submitted ballots to topic {@code ballots}, keyed by state. One idempotent producer with {@code acks=all}
 * per process: a ballot is acknowledged to the voter only after every in-sync replica has it. In-flight sends are
 * bounded; past the bound, or when Kafka fails, the voter gets a 503 at once rather than a queue without end.
 *
 * <p>The producer is called straight from the event loop: {@code send} only appends to its buffer and wakes its I/O
 * thread, and {@code max.block.ms=0} turns the two cases where it would wait (no metadata for the topic yet, a full
 * buffer) into an immediate failure, a 503. The topic's metadata is fetched once at start, off the event loop.
 * Kafka's answer arrives on the producer's I/O thread and is handed back to the sender's event loop.
 */
public final class BallotPublisher {
  private final Vertx vertx;
  private final KafkaProducer<String, String> producer;
  private final Admin admin;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final int maxInFlight;
  private final Counter produced;
  private final Counter refused;

  public BallotPublisher(Vertx vertx, GatewayConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        // A few milliseconds of batching turns thousands of ballots a second into a few hundred produce requests.
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 0,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
        ProducerConfig.CLIENT_ID_CONFIG, "votegate-gateway"), new StringSerializer(), new StringSerializer());
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
        AdminClientConfig.CLIENT_ID_CONFIG, "votegate-gateway-admin"));
    this.maxInFlight = config.maxInFlight();
    this.produced = Counter.builder("votegate.gateway.ballots.produced")
        .description("Ballots acknowledged by Kafka").register(registry);
    this.refused = Counter.builder("votegate.gateway.ballots.refused")
        .description("Ballots refused with 503 (Kafka down or too many in flight)").register(registry);
    registry.gauge("votegate.gateway.ballots.in.flight", inFlight);
  }

  /**
   * Fetches the topic's metadata, blocking for up to {@code within}: at start, on a worker thread, so that sends never
   * need to wait. If Kafka is not there yet, ballots get 503 until it is (each refused send asks for the metadata).
   */
  public boolean warmUp(Duration within) throws InterruptedException {
    var deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        producer.partitionsFor(Topics.BALLOTS);
        return true;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(50);
      }
    }
  }

  /** Completes with the ballot once Kafka has it, on the calling event loop. */
  public Future<SubmittedBallot> publish(SubmittedBallot ballot) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      refused.increment();
      return Future.failedFuture(Problem.unavailable("Too many ballots in flight; try again shortly.", 1));
    }
    var context = vertx.getOrCreateContext();
    var sent = Promise.<SubmittedBallot>promise();
    try {
      producer.send(new ProducerRecord<>(Topics.BALLOTS, ballot.state(), ballot.toJson().encode()),
          (metadata, failure) -> context.runOnContext(v -> {
            inFlight.decrementAndGet();
            if (failure == null) {
              produced.increment();
              sent.complete(ballot);
            } else {
              refused.increment();
              sent.fail(Problem.unavailable("The ballot box is unreachable; try again shortly.", 5));
            }
          }));
    } catch (RuntimeException e) {
      // max.block.ms=0: no metadata for the topic, or the buffer is full. Nothing was sent.
      inFlight.decrementAndGet();
      refused.increment();
      return Future.failedFuture(Problem.unavailable("The ballot box is unreachable; try again shortly.", 5));
    }
    return sent.future();
  }

  /** Ready when the broker answers and knows topic {@code ballots}. */
  public Future<?> ready() {
    var answer = Promise.<Void>promise();
    var context = vertx.getOrCreateContext();
    admin.describeTopics(List.of(Topics.BALLOTS)).allTopicNames().whenComplete((topics, failure) ->
        context.runOnContext(v -> {
          if (failure == null) {
            answer.complete();
          } else {
            answer.fail("Kafka unreachable: " + failure.getMessage());
          }
        }));
    return answer.future();
  }

  /** Flushes what is in flight (a ballot waiting for its ack finishes), then closes; blocking, so on a worker. */
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      producer.close(Duration.ofSeconds(10));
      admin.close(Duration.ofSeconds(5));
      return null;
    });
  }
}
