package io.votegate.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.votegate.model.SubmittedBallot;
import io.votegate.model.Topics;
import io.votegate.platform.Problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes submitted ballots to topic {@code ballots}, keyed by state. One idempotent producer with {@code acks=all}
 * per process: a ballot is acknowledged to the voter only after every in-sync replica has it. In-flight sends are
 * bounded; past the bound, or when Kafka fails, the voter gets a 503 at once rather than a queue without end.
 */
public final class BallotPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(BallotPublisher.class);
  private final KafkaProducer<String, String> producer;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final int maxInFlight;
  private final Counter produced;
  private final Counter refused;

  public BallotPublisher(Vertx vertx, GatewayConfig config, MeterRegistry registry) {
    this.producer = KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", config.kafkaBootstrap(),
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "acks", "all",
        "enable.idempotence", "true",
        "linger.ms", "2",
        "max.block.ms", "5000",
        "request.timeout.ms", "10000",
        "delivery.timeout.ms", "20000",
        "client.id", "votegate-gateway"));
    // Failures reach the voter through each send's future (a 503); this only keeps them out of "unhandled".
    producer.exceptionHandler(e -> LOG.warn("ballot producer: {}", e.toString()));
    this.maxInFlight = config.maxInFlight();
    this.produced = Counter.builder("votegate.gateway.ballots.produced")
        .description("Ballots acknowledged by Kafka").register(registry);
    this.refused = Counter.builder("votegate.gateway.ballots.refused")
        .description("Ballots refused with 503 (Kafka down or too many in flight)").register(registry);
    registry.gauge("votegate.gateway.ballots.in.flight", inFlight);
  }

  /** Completes with the ballot once Kafka has it. */
  public Future<SubmittedBallot> publish(SubmittedBallot ballot) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      refused.increment();
      return Future.failedFuture(Problem.unavailable("Too many ballots in flight; try again shortly.", 1));
    }
    var record = KafkaProducerRecord.create(Topics.BALLOTS, ballot.state(), ballot.toJson().encode());
    return producer.send(record)
        .transform(sent -> {
          inFlight.decrementAndGet();
          if (sent.succeeded()) {
            produced.increment();
            return Future.succeededFuture(ballot);
          }
          refused.increment();
          return Future.failedFuture(Problem.unavailable("The ballot box is unreachable; try again shortly.", 5));
        });
  }

  /** Ready when the broker answers for topic {@code ballots}. */
  public Future<?> ready() {
    return producer.partitionsFor(Topics.BALLOTS);
  }

  public Future<Void> close() {
    return producer.close();
  }
}
