package io.votegate.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>While Kafka is away a send is not refused, it waits in the producer for up to {@code delivery.timeout.ms}. So a
 * circuit breaker stands in front: a ballot Kafka has not acknowledged within {@link #ACK_TIMEOUT} gets its 503, and
 * after {@link #FAILURES_TO_OPEN} such failures within 10 s the circuit opens: every ballot gets its 503 at once, and
 * readiness is red, until a single trial ballot, let through {@link #RESET} later, is acknowledged. A ballot whose
 * ack came too late may still land in Kafka; its voter is told to submit again, and the resubmission carries the same
 * receipt, which the ballot-server counts once.
 */
public final class BallotPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(BallotPublisher.class);
  private final Vertx vertx;
  private final KafkaProducer<String, byte[]> producer;
  private final Admin admin;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final int maxInFlight;
  private final Counter produced;
  private final MeterRegistry registry;
  private final Timer acks;
  private final CircuitBreaker breaker;
  static final Duration ACK_TIMEOUT = Duration.ofSeconds(3);
  static final Duration RESET = Duration.ofSeconds(5);
  static final int FAILURES_TO_OPEN = 5;

  public BallotPublisher(Vertx vertx, GatewayConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        // A millisecond of batching: under load batches still fill while requests are in flight, and a voter's 202
        // waits about 2 ms for Kafka, not 7. With Kafka's default of 5 ms, 128 ballots at once were held to 18,000/s
        // by the wait alone; at 1 ms they ran at 51,000-54,000/s on 15-17 µs of the loops' CPU a ballot, against
        // 19-23 µs for the best at 5 ms (1,024 at once: more ballots waiting, colder caches). Kafka's CPU a ballot
        // rose by about a third; at 0 ms it doubled or more.
        ProducerConfig.LINGER_MS_CONFIG, 1,
        ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 0,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
        ProducerConfig.CLIENT_ID_CONFIG, "votegate-gateway"), new StringSerializer(), new ByteArraySerializer());
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
        AdminClientConfig.CLIENT_ID_CONFIG, "votegate-gateway-admin"));
    this.maxInFlight = config.maxInFlight();
    this.produced = Counter.builder("votegate.gateway.ballots.produced")
        .description("Ballots acknowledged by Kafka").register(registry);
    this.registry = registry;
    this.acks = Timer.builder("votegate.gateway.kafka.ack")
        .description("From a ballot's send to Kafka's acknowledgement (or failure)").register(registry);
    registry.gauge("votegate.gateway.ballots.in.flight", inFlight);
    this.breaker = CircuitBreaker.create("kafka", vertx, new CircuitBreakerOptions()
            .setMaxFailures(FAILURES_TO_OPEN).setFailuresRollingWindow(10_000)
            // No timer of its own per call: AckDeadlines fails a ballot Kafka has not acknowledged in time.
            .setTimeout(-1).setResetTimeout(RESET.toMillis())
            // Its event-bus notifications keep statistics for every call: our own metrics say what we need.
            .setNotificationAddress(null))
        .openHandler(v -> LOG.warn("Kafka is not acknowledging ballots: each gets 503 at once; a trial in {} s", RESET.toSeconds()))
        .closeHandler(v -> LOG.info("Kafka acknowledges ballots again"));
    Gauge.builder("votegate.gateway.kafka.circuit.open", breaker, b -> b.state() == CircuitBreakerState.CLOSED ? 0 : 1)
        .description("1 while ballots are refused at once because Kafka stopped acknowledging them").register(registry);
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
    if (inFlight.get() >= maxInFlight) {
      refused("in_flight");
      return Future.failedFuture(Problem.unavailable("Too many ballots in flight; try again shortly.", 1));
    }
    // While Kafka acknowledges, ballots go straight to it and the breaker sees only their failures: wrapping each
    // call cost it a second trip through the event loop's task queue, and the call's promises and statistics (6 % of
    // the gateway's event-loop samples at 1,024 ballots at once). Once the circuit opens, every ballot goes through
    // the breaker, which refuses it at once or lets one through as a trial.
    var acknowledged = breaker.state() == CircuitBreakerState.CLOSED
        ? send(ballot).onFailure(this::countFailure)
        : breaker.<SubmittedBallot>execute(() -> send(ballot));
    return acknowledged.recover(failure -> {
      int retryAfter = (int) RESET.toSeconds();
      if (failure instanceof OpenCircuitException) {
        refused("circuit_open");
        return Future.failedFuture(Problem.unavailable(
            "The ballot box is not taking ballots right now; submit again shortly.", retryAfter));
      }
      if (failure instanceof TimeoutException) {
        refused("ack_timeout");
        return Future.failedFuture(Problem.unavailable("The ballot box did not confirm your ballot in time. "
            + "Submit it again: it carries the same receipt and is counted once.", retryAfter));
      }
      refused("kafka_error");
      return Future.failedFuture(Problem.unavailable("The ballot box is unreachable; try again shortly.", retryAfter));
    });
  }

  private Future<SubmittedBallot> send(SubmittedBallot ballot) {
    var context = vertx.getOrCreateContext();
    var sent = Promise.<SubmittedBallot>promise();
    inFlight.incrementAndGet();
    long sentAt = System.nanoTime();
    try {
      producer.send(new ProducerRecord<>(Topics.BALLOTS, ballot.state(), ballot.encode()),
          (metadata, failure) -> context.runOnContext(v -> {
            acks.record(System.nanoTime() - sentAt, java.util.concurrent.TimeUnit.NANOSECONDS);
            inFlight.decrementAndGet();
            if (failure == null) {
              produced.increment();
              sent.tryComplete(ballot); // unless its deadline passed first
            } else {
              sent.tryFail(failure);
            }
          }));
      AckDeadlines.of(context, ACK_TIMEOUT).watch(sent); // the callback runs on this loop, so after this
    } catch (RuntimeException e) {
      // max.block.ms=0: no metadata for the topic, or the buffer is full. Nothing was sent.
      inFlight.decrementAndGet();
      return Future.failedFuture(e);
    }
    return sent.future();
  }

  /** Counts against the circuit a ballot Kafka did not take while it was closed. */
  private void countFailure(Throwable failure) {
    breaker.<SubmittedBallot>execute(attempt -> attempt.fail(failure));
  }

  private void refused(String cause) {
    registry.counter("votegate.gateway.ballots.refused", "cause", cause).increment();
  }

  /** Ready when ballots are acknowledged (the circuit is closed), the broker answers and knows topic {@code ballots}. */
  public Future<?> ready() {
    if (breaker.state() != CircuitBreakerState.CLOSED) {
      return Future.failedFuture("Kafka stopped acknowledging ballots: they get 503 at once (circuit "
          + breaker.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
    }
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
