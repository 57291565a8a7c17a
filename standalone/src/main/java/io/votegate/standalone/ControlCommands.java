package io.votegate.standalone;

import io.votegate.model.ControlCommand;
import io.votegate.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The operators' commands for the election day, {@code ./votegate polls ...} and {@code ./votegate voters ...}: each
 * signed with the operator key and published to topic {@code control}, where every service applies it within a
 * second. The key is {@code VOTEGATE_OPERATOR_KEY} (base64 PKCS#8 Ed25519), else the data directory's.
 */
final class ControlCommands {
  private ControlCommands() {}

  /** Where to publish, and with which key. */
  static class Target {
    @Option(names = "--data", description = "Data directory of the running system (default: ${DEFAULT-VALUE}).",
        defaultValue = ".votegate")
    Path data;

    @Option(names = "--kafka", description = "Kafka bootstrap servers (default: the data directory's broker).")
    String kafka;

    /** Signs and publishes; prints what was done. Exit 0 once Kafka has it, 2 without a key or a broker. */
    int publish(ControlCommand unsigned) throws Exception {
      var key = System.getenv("VOTEGATE_OPERATOR_KEY");
      var keys = data.resolve("keys.properties");
      if (key == null && Files.exists(keys)) {
        var props = new Properties();
        try (var in = Files.newBufferedReader(keys)) {
          props.load(in);
        }
        key = props.getProperty("VOTEGATE_OPERATOR_KEY");
      }
      if (key == null) {
        System.err.println("No operator key: set VOTEGATE_OPERATOR_KEY (base64 PKCS#8 Ed25519) or use --data.");
        return 2;
      }
      var bootstrap = kafka;
      var ports = data.resolve("kafka").resolve("ports.properties");
      if (bootstrap == null && Files.exists(ports)) {
        var props = new Properties();
        try (var in = Files.newBufferedReader(ports)) {
          props.load(in);
        }
        bootstrap = "127.0.0.1:" + props.getProperty("broker");
      }
      if (bootstrap == null) {
        System.err.println("No Kafka: give --kafka HOST:PORT or the --data directory of a running system.");
        return 2;
      }
      var command = unsigned.signedWith(ControlCommand.privateKey(key));
      try (var producer = new KafkaProducer<>(Map.<String, Object>of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000), new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(Topics.CONTROL, command.id(), command.toJson().encode()))
            .get(30, TimeUnit.SECONDS);
      }
      System.out.printf("%s %s, issued %s: published as command %s; every service applies it within a second.%n",
          command.kind(), command.state() != null ? command.state() + " until " + command.until() : command.voterId(),
          command.issuedAt(), command.id());
      return 0;
    }
  }

  @Command(name = "polls", mixinStandardHelpOptions = true, description = "Change a state's poll window today.",
      subcommands = {Extend.class, Close.class})
  static final class Polls extends CommandGroup {
  }

  @Command(name = "extend", mixinStandardHelpOptions = true,
      description = "Keep a state's polls open until TIME (a court ordered it): ballots accepted until then count.")
  static final class Extend extends Target implements Callable<Integer> {
    @Option(names = "--state", required = true, description = "The state, e.g. GA.")
    String state;

    @Option(names = "--until", required = true, description = "An instant, e.g. 2026-11-04T02:00:00Z.")
    Instant until;

    @Override
    public Integer call() throws Exception {
      return publish(ControlCommand.polls(ControlCommand.EXTEND, state, until, Instant.now()));
    }
  }

  @Command(name = "close", mixinStandardHelpOptions = true,
      description = "Close a state's polls now (or --at TIME): ballots accepted after that are rejected polls_closed.")
  static final class Close extends Target implements Callable<Integer> {
    @Option(names = "--state", required = true, description = "The state, e.g. GA.")
    String state;

    @Option(names = "--at", description = "When, an instant (default: now).")
    Instant at;

    @Override
    public Integer call() throws Exception {
      var now = Instant.now();
      return publish(ControlCommand.polls(ControlCommand.CLOSE, state, at != null ? at : now, now));
    }
  }

  @Command(name = "voters", mixinStandardHelpOptions = true, description = "Revoke or restore a voter's card today.",
      subcommands = {Revoke.class, Restore.class})
  static final class Voters extends CommandGroup {
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a voter's card (reported stolen): its ballots from now on are rejected revoked.")
  static final class Revoke extends Target implements Callable<Integer> {
    @Parameters(paramLabel = "VOTER_ID")
    String voterId;

    @Override
    public Integer call() throws Exception {
      return publish(ControlCommand.voter(ControlCommand.REVOKE, voterId, Instant.now()));
    }
  }

  @Command(name = "restore", mixinStandardHelpOptions = true, description = "Make a revoked card valid again.")
  static final class Restore extends Target implements Callable<Integer> {
    @Parameters(paramLabel = "VOTER_ID")
    String voterId;

    @Override
    public Integer call() throws Exception {
      return publish(ControlCommand.voter(ControlCommand.RESTORE, voterId, Instant.now()));
    }
  }

  @Command(name = "operator-key", mixinStandardHelpOptions = true,
      description = "Print a new operator key pair as VOTEGATE_OPERATOR_KEY=... (private: for these commands only) "
          + "and VOTEGATE_OPERATOR_PUBLIC_KEY=... (for every service).")
  static final class OperatorKey implements Callable<Integer> {
    @Override
    public Integer call() {
      var pair = ControlCommand.newKeyPair();
      System.out.println("VOTEGATE_OPERATOR_KEY=" + pair[0]);
      System.out.println("VOTEGATE_OPERATOR_PUBLIC_KEY=" + pair[1]);
      return 0;
    }
  }
}
