package io.votegate.standalone;

import org.apache.kafka.clients.admin.Admin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A Kafka broker in a process of its own, for tests that stop and start it as an operator would: restarting a broker
 * inside the test's JVM leaves artefacts that a real process restart never shows.
 */
final class BrokerProcess {
  private BrokerProcess() {}

  /** Formats a broker's log under {@code dir}, creates the topics and keeps the ports; returns its bootstrap. */
  static String prepare(Path dir) throws Exception {
    try (var formatted = KafkaNode.start(dir, java.util.List.of())) {
      return formatted.bootstrap();
    }
  }

  /** Starts the prepared broker and returns once it serves topic {@code ballots}. */
  static Process start(Path dir, String bootstrap) throws Exception {
    var process = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"), "kafka.Kafka",
        dir.resolve("server.properties").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
    var deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try (var admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 2_000,
        "default.api.timeout.ms", 3_000))) {
      while (System.nanoTime() < deadline) {
        assertTrue(process.isAlive(), () -> "the broker exited: " + read(dir.resolve("broker.log")));
        try {
          admin.describeTopics(java.util.List.of("ballots")).allTopicNames().get(3, TimeUnit.SECONDS);
          return process;
        } catch (Exception notYet) {
          Thread.sleep(200);
        }
      }
    }
    fail("the broker did not start within 2 minutes: " + read(dir.resolve("broker.log")));
    return null;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (Exception e) {
      return e.toString();
    }
  }
}
