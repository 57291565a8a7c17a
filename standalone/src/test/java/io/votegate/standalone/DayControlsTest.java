package io.votegate.standalone;

import io.vertx.core.json.JsonObject;
import io.votegate.model.ControlCommand;
import io.votegate.model.SubmittedBallot;
import io.votegate.model.Topics;
import io.votegate.platform.FreePorts;
import io.votegate.testkit.TempTrees;
import io.votegate.testkit.VoterClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Operators control the day on a running system (real Kafka, PostgreSQL, Redis and the three services), through
 * {@code ./votegate polls} and {@code ./votegate voters}: a state's polls closed early and then extended, with ballots
 * judged by the window in force when the gateway accepted them and the tally's embargo following; a card revoked
 * and restored; and a command not signed by the operator's key refused, changing nothing. How long each command took
 * to apply is printed, not asserted (shared machines are noisy); each must apply, within ten seconds at worst.
 */
class DayControlsTest {
  private static final String DE = "DE10003-00000101";
  private static final String DE_LATER = "DE10003-00000102";
  private static final String DE_EXTENDED = "DE10003-00000103";
  private static final String RI = "RI44007-00000104";
  private LocalStack stack;
  private Path data;
  private VoterClient voters;
  private VoterClient newsroom;
  private DataDir dir;

  @AfterEach
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    TempTrees.delete(data);
  }

  @Test
  void pollsClosedEarlyThenExtendedAndACardRevokedThenRestoredApplyEverywhereAndAForgedCommandChangesNothing()
      throws Exception {
    data = Files.createTempDirectory("votegate-controls");
    dir = new DataDir(data);
    var chosen = dir.election(Path.of("src/test/resources/elections/demo-embargo.json").toAbsolutePath().toString(), null);
    int gatewayPort = FreePorts.pick();
    int tallyPort = FreePorts.pick();
    stack = LocalStack.start(new LocalStack.Settings(dir, chosen, gatewayPort, tallyPort, FreePorts.pick()));
    voters = new VoterClient("http://127.0.0.1:" + gatewayPort);
    newsroom = new VoterClient("http://127.0.0.1:" + tallyPort);

    // Delaware votes; its polls are open, so the embargo hides its counts.
    var before = voters.vote(DE, code(DE), "{\"selections\":{\"president\":[\"dem\"]}}");
    assertEquals("counted", voters.awaitDecision(before, Duration.ofSeconds(30)).getString("status"));
    // The receipt says counted once the decision is in Redis; the tally has it once its transaction commits.
    report("counted by the tally", () -> newsroom.getJson("/api/v1/results?level=national").getLong("sequence") == 1);
    assertTrue(delaware().getBoolean("embargoed"));

    // Close Delaware's polls now: the gateway refuses its ballots, the tally lifts its embargo.
    assertEquals(0, cli("polls", "close", "--state", "DE", "--data", data.toString()));
    report("polls close", () -> voters.send("POST", "/api/v1/sessions", null, "application/json",
        "{\"voterId\":\"" + DE_LATER + "\",\"code\":\"" + code(DE_LATER) + "\"}").statusCode() == 403);
    report("embargo lifted on close", () -> !delaware().getBoolean("embargoed"));
    assertEquals(1, delaware().getLong("ballots"), "the ballot accepted before the close counts");
    assertTrue(voters.getJson("/api/v1/election").getJsonArray("states").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("code").equals("DE")).findFirst().orElseThrow().getBoolean("changedByOperators"));

    // A gateway that had not heard of the close yet accepted a ballot after it: the ballot-server, which reads every
    // command before deciding, rejects it polls_closed (judged by when it was accepted, against the window then).
    var late = new SubmittedBallot(UUID.randomUUID(), "late-" + UUID.randomUUID(), "demo-embargo", DE_LATER, "DE",
        "10003", Map.of("president", List.of("rep")), Instant.now());
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", stack.kafkaBootstrap()),
        new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.BALLOTS, "DE", late.toJson().encode())).get();
    }
    assertEquals("polls_closed", rejection(late.receipt()));

    // A court extends them for an hour: ballots are accepted and counted again, and the embargo is back.
    var until = Instant.now().plus(Duration.ofHours(1));
    assertEquals(0, cli("polls", "extend", "--state", "DE", "--until", until.toString(), "--data", data.toString()));
    report("polls extend", () -> voters.send("POST", "/api/v1/sessions", null, "application/json",
        "{\"voterId\":\"" + DE_EXTENDED + "\",\"code\":\"" + code(DE_EXTENDED) + "\"}").statusCode() == 201);
    var extended = voters.vote(DE_EXTENDED, code(DE_EXTENDED), "{\"selections\":{\"president\":[\"rep\"]}}");
    assertEquals("counted", voters.awaitDecision(extended, Duration.ofSeconds(30)).getString("status"),
        "a ballot accepted during the extension counts: the ballot-server judges it by the window in force then");
    report("embargo back while open", () -> delaware().getBoolean("embargoed"));
    assertTrue(voters.getJson("/api/v1/election").getJsonArray("states").stream().map(JsonObject.class::cast)
        .anyMatch(s -> s.getString("code").equals("DE") && Instant.parse(s.getString("closes")).equals(until)));

    // A card reported stolen: its ballots from now on are rejected revoked; restored, it votes.
    assertEquals(0, cli("voters", "revoke", RI, "--data", data.toString()));
    long revokedAt = System.nanoTime();
    JsonObject outcome;
    do { // the gateway cannot know (it never sees the roll): the ballot-server rejects it
      var receipt = voters.vote(RI, code(RI), "{\"selections\":{\"president\":[\"other\"]}}");
      outcome = voters.awaitDecision(receipt, Duration.ofSeconds(30));
    } while (!"revoked".equals(outcome.getString("reason")) && System.nanoTime() - revokedAt < 10_000_000_000L);
    assertEquals("revoked", outcome.getString("reason"));
    System.out.printf("voters revoke: the next ballot was rejected revoked (%d ms after the command)%n",
        (System.nanoTime() - revokedAt) / 1_000_000);
    assertEquals(0, cli("voters", "restore", RI, "--data", data.toString()));
    long restoredAt = System.nanoTime();
    do {
      var receipt = voters.vote(RI, code(RI), "{\"selections\":{\"president\":[\"other\"]}}");
      outcome = voters.awaitDecision(receipt, Duration.ofSeconds(30));
    } while (!"counted".equals(outcome.getString("status")) && System.nanoTime() - restoredAt < 10_000_000_000L);
    assertEquals("counted", outcome.getString("status"), "restored, the card votes");

    // A command signed with any other key is refused by every service: Delaware stays open.
    var forger = ControlCommand.newKeyPair();
    var forged = ControlCommand.polls(ControlCommand.CLOSE, "DE", Instant.now(), Instant.now())
        .signedWith(ControlCommand.privateKey(forger[0]));
    var unsigned = ControlCommand.polls(ControlCommand.CLOSE, "DE", Instant.now(), Instant.now());
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", stack.kafkaBootstrap()),
        new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.CONTROL, forged.id(), forged.toJson().encode())).get();
      producer.send(new ProducerRecord<>(Topics.CONTROL, unsigned.id(), unsigned.toJson().encode())).get();
    }
    Thread.sleep(1_500); // well past when a genuine command applies
    var after = voters.vote("DE10003-00000105", code("DE10003-00000105"), "{\"selections\":{\"president\":[\"dem\"]}}");
    assertEquals("counted", voters.awaitDecision(after, Duration.ofSeconds(30)).getString("status"));
    assertTrue(delaware().getBoolean("embargoed"), "still open, still embargoed");
    assertEquals(2, cli("polls", "close", "--state", "DE", "--data", data.resolve("nowhere").toString()),
        "no operator key, no command");
  }

  /** The reason the ballot-server gave on ballots.rejected for {@code receipt}, within 30 s. */
  private String rejection(String receipt) {
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", stack.kafkaBootstrap(),
        "isolation.level", "read_committed", "auto.offset.reset", "earliest"), new StringDeserializer(),
        new StringDeserializer())) {
      var partitions = consumer.partitionsFor(Topics.REJECTED).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          var rejected = new JsonObject(record.value());
          if (receipt.equals(rejected.getString("receipt"))) {
            return rejected.getString("reason");
          }
        }
      }
      return null;
    }
  }

  private String code(String voterId) throws Exception {
    return dir.codes().codeFor("demo-embargo", voterId);
  }

  private JsonObject delaware() throws Exception {
    var snapshot = newsroom.getJson("/api/v1/results?state=DE");
    return snapshot.getJsonArray("contests").getJsonObject(0).getJsonArray("states").getJsonObject(0);
  }

  private static void report(String what, Callable<Boolean> applied) throws Exception {
    long began = System.nanoTime();
    while (!applied.call()) {
      assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(10), what + " did not apply");
      Thread.sleep(20);
    }
    System.out.printf("%s: applied %d ms after the command%n", what, (System.nanoTime() - began) / 1_000_000);
  }

  private static int cli(String... args) {
    var out = System.out;
    var captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      return new CommandLine(new Votegate()).execute(args);
    } finally {
      System.setOut(out);
      System.out.print(captured.toString(StandardCharsets.UTF_8));
    }
  }
}
