package io.votegate.platform;

import io.vertx.core.json.JsonObject;
import io.votegate.model.ControlCommand;
import io.votegate.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the operators' commands from topic {@code control}, from the first, and hands each one whose signature the
 * operator's public key verifies to {@code apply}; any other is refused and logged, and changes nothing. Every
 * applied command is logged for audit. Either on a thread of its own ({@link #run}, within a second of a command),
 * or caught up on demand by its owner's thread ({@link #catchUp}), which the ballot-server does before each batch
 * so that it judges every ballot by every command issued before the ballot was accepted. Not thread-safe otherwise.
 */
public final class ControlFeed implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlFeed.class);

  private final KafkaConsumer<String, String> consumer;
  private final PublicKey operator;
  private final Consumer<ControlCommand> apply;
  private final String service;
  private List<TopicPartition> partitions;
  private volatile boolean running = true;

  public ControlFeed(String bootstrap, PublicKey operator, String service, Consumer<ControlCommand> apply) {
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.CLIENT_ID_CONFIG, "votegate-" + service + "-control"), new StringDeserializer(),
        new StringDeserializer());
    this.operator = operator;
    this.apply = apply;
    this.service = service;
  }

  /** Whether commands can be verified at all; says so once, at start, when they cannot. */
  public static boolean enabled(PublicKey operator, String service) {
    if (operator == null) {
      LOG.warn("{}: no VOTEGATE_OPERATOR_PUBLIC_KEY, so operators' commands are not applied", service);
    }
    return operator != null;
  }

  /** A feed on a daemon thread of its own, applying each command within a second; null without an operator key. */
  public static ControlFeed background(String bootstrap, PublicKey operator, String service,
                                       Consumer<ControlCommand> apply) {
    if (!enabled(operator, service)) {
      return null;
    }
    var feed = new ControlFeed(bootstrap, operator, service, apply);
    var thread = new Thread(feed, service + "-control");
    thread.setDaemon(true);
    thread.start();
    return feed;
  }

  /** Reads and applies every command up to the end of the topic as it is now; blocking, on the owner's thread. */
  public void catchUp() {
    assign();
    // Bounded: the ballot-server calls this between batches, and a broker outage must not hold its loop for long.
    var end = consumer.endOffsets(partitions, Duration.ofSeconds(5));
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      read(Duration.ofMillis(200));
    }
  }

  @Override
  public void run() {
    try {
      assign();
      while (running) {
        read(Duration.ofMillis(200));
      }
    } catch (WakeupException stopping) {
      // closed
    } catch (RuntimeException e) {
      LOG.error("control feed stopped: operators' commands are no longer applied", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void assign() {
    if (partitions == null) {
      partitions = new ArrayList<>(consumer.partitionsFor(Topics.CONTROL, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }
  }

  private void read(Duration wait) {
    for (var record : consumer.poll(wait)) {
      ControlCommand command;
      try {
        command = ControlCommand.fromJson(new JsonObject(record.value()));
      } catch (RuntimeException e) {
        LOG.warn("control: refused an unreadable command at offset {}: {}", record.offset(), e.getMessage());
        continue;
      }
      if (!command.verifies(operator)) {
        LOG.warn("control: refused command {} ({}), whose signature is not the operator's: nothing changed",
            command.id(), command.kind());
        continue;
      }
      apply.accept(command);
      LOG.info("control: {} applied {} {} (issued {}, command {})", service, command.kind(),
          command.state() != null ? command.state() + " until " + command.until() : command.voterId(),
          command.issuedAt(), command.id());
    }
  }

  /** Stops {@link #run}; from another thread. */
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
