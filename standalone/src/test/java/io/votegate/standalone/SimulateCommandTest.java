package io.votegate.standalone;

import io.votegate.model.AcceptedBallot;
import io.votegate.model.Topics;
import io.votegate.platform.FreePorts;
import io.votegate.testkit.TempTrees;
import io.votegate.testkit.VoterClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code ./votegate simulate} against the whole system as {@code up} runs it (embedded Kafka, PostgreSQL, Redis and
 * the three services, in this process): it reconciles every county exactly, and fails when a count was tampered with.
 */
class SimulateCommandTest {
  private final List<LocalStack> stacks = new ArrayList<>();
  private Path data;
  private int gatewayPort;
  private int tallyPort;

  @AfterEach
  void stop() throws Exception {
    stacks.forEach(LocalStack::close);
    TempTrees.delete(data);
  }

  @Test
  void theDemoElectionWithSecondBallotsAndBadRequestsReconcilesEveryCounty() throws Exception {
    up("demo", null);
    var run = simulate("--duplicates", "0.05", "--bad", "0.02");
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("3 states, 12 counties: every count per contest and candidate equals the plan"),
        run.output());
    assertTrue(run.output().contains("Second ballots: 500 sent, 500 rejected already_voted, 0 counted"), run.output());
    assertTrue(run.output().contains("Bad requests: 200 sent, 200 refused with their documented 4xx"), run.output());
    assertTrue(run.output().contains("RECONCILED"), run.output());

    var again = simulate();
    assertEquals(2, again.status(), again.output());
    assertTrue(again.output().contains("already has 10000 counted ballots"), again.output());
  }

  @Test
  void us2020AtASmallScaleEndsWithEveryCountysScaled2020Result() throws Exception {
    up("us-2020", 0.00003);
    var run = simulate("--election", "us-2020", "--scale", "3.0E-5", "--duplicates", "0.01");
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("51 states, 3,152 counties: every count per contest and candidate equals the plan"),
        run.output());
  }

  @Test
  void aCustomElectionReplaysAResultsFileAndEndsAtItsCountsInEveryCountyAndContest() throws Exception {
    // Three states in three zones, a choose-one contest everywhere and a choose-up-to-2 one on two states' ballots.
    var definition = Path.of("src/test/resources/elections/river-valley-now.json").toAbsolutePath().toString();
    var results = Path.of("src/test/resources/elections/river-valley-results.csv").toAbsolutePath().toString();
    up(definition, null);
    var run = simulate("--results", results, "--duplicates", "0.02", "--bad", "0.01");
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("3 states, 5 counties: every count per contest and candidate equals the plan"),
        run.output());
    var snapshot = new VoterClient("http://127.0.0.1:" + tallyPort).getJson("/api/v1/results?level=county");
    var board = snapshot.getJsonArray("contests").getJsonObject(1);
    assertEquals("water-board", board.getString("id"));
    var maricopa = board.getJsonArray("states").getJsonObject(1).getJsonArray("counties").getJsonObject(0);
    assertEquals("04013", maricopa.getString("fips"));
    assertEquals(Map.of("lee", 1500, "baptiste", 1400, "moss", 97), maricopa.getJsonObject("votes").getMap());

    var tooBig = Files.createTempFile(data, "results", ".csv");
    Files.writeString(tooBig, "state,county_fips,contest,candidate,votes\nVT,50007,governor,ortiz,999\n");
    var refused = simulate("--results", tooBig.toString());
    assertEquals(2, refused.status(), refused.output());
    assertTrue(refused.output().contains("governor needs 999 ballots, its roll has 400 voters"), refused.output());
  }

  @Test
  void aCountTamperedWithDuringTheRunFailsTheReconciliationAndNamesTheCounty() throws Exception {
    var stack = up("demo", null);
    var newsroom = new VoterClient("http://127.0.0.1:" + tallyPort);
    var executor = Executors.newSingleThreadExecutor();
    try {
      Future<Run> running = executor.submit(() -> simulate("--rate", "2000"));
      while (newsroom.getJson("/api/v1/results").getLong("sequence") < 100) {
        Thread.sleep(50);
      }
      // One forged accepted ballot for Providence County, as if written to the topic behind the ballot-server.
      try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", stack.kafkaBootstrap()),
          new StringSerializer(), new StringSerializer())) {
        var forged = new AcceptedBallot(UUID.randomUUID(), "demo", "RI", "44007",
            Map.of("president", List.of("rep")), Instant.now());
        producer.send(new ProducerRecord<>(Topics.ACCEPTED, "RI", forged.toJson().encode())).get();
      }
      var run = running.get(3, TimeUnit.MINUTES);
      assertEquals(1, run.status(), run.output());
      assertTrue(run.output().contains("RI 44007 Providence County president/rep: expected"), run.output());
      assertTrue(run.output().contains("NOT RECONCILED"), run.output());
    } finally {
      executor.shutdownNow();
    }
  }

  // --- helpers ----------------------------------------------------------------------------------------------------

  private record Run(int status, String output) {}

  private LocalStack up(String election, Double scale) throws Exception {
    data = Files.createTempDirectory("votegate-simulate");
    gatewayPort = FreePorts.pick();
    tallyPort = FreePorts.pick();
    var dir = new DataDir(data);
    var chosen = dir.election(election, scale);
    var stack = LocalStack.start(new LocalStack.Settings(dir, chosen, gatewayPort, tallyPort, FreePorts.pick()));
    stacks.add(stack);
    dir.writeCards(chosen.load());
    return stack;
  }

  /** Runs {@code ./votegate simulate} in this process against the stack, capturing what it prints. */
  private Run simulate(String... options) {
    var args = new ArrayList<>(List.of("simulate", "--data", data.toString(),
        "--gateway", "http://127.0.0.1:" + gatewayPort, "--tally", "http://127.0.0.1:" + tallyPort));
    args.addAll(List.of(options));
    var captured = new ByteArrayOutputStream();
    var out = System.out;
    var err = System.err;
    var both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    synchronized (SimulateCommandTest.class) {
      System.setOut(both);
      System.setErr(both);
      try {
        int status = new CommandLine(new Votegate()).execute(args.toArray(String[]::new));
        return new Run(status, captured.toString(StandardCharsets.UTF_8));
      } finally {
        System.setOut(out);
        System.setErr(err);
      }
    }
  }
}
