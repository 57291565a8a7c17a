package io.votegate.standalone;

import io.votegate.loadtest.Report;
import io.votegate.testkit.Infra;
import io.votegate.testkit.TempTrees;
import io.votegate.testkit.VoterClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Kafka broker, in a process of its own, restarts while voters vote: the gateway answers 503 meanwhile and the
 * voters retry; afterwards every county reconciles exactly, with nothing lost and nothing counted twice.
 */
class BrokerRestartTest {
  private Infra infra;
  private ServicesOnInfra services;
  private Process broker;
  private Path dir;

  @AfterEach
  void stopEverything() throws Exception {
    if (services != null) {
      services.close();
    }
    if (broker != null) {
      broker.destroyForcibly().waitFor();
    }
    if (infra != null) {
      infra.close();
    }
    TempTrees.delete(dir);
  }

  @Test
  void aBrokerRestartMidStreamLosesNothingAndCountsNothingTwice() throws Exception {
    dir = Files.createTempDirectory("votegate-kafka");
    var bootstrap = BrokerProcess.prepare(dir);
    broker = BrokerProcess.start(dir, bootstrap);
    infra = new Infra().withPostgres().withRedis();
    services = new ServicesOnInfra(infra, bootstrap, "demo", 1.0, Map.of())
        .startBallotServer().startTally().startGateway();
    var newsroom = new VoterClient(services.tally().toString());

    var running = Executors.newSingleThreadExecutor().submit(services.simulation(1_500, 0.02, 0)::run);
    while (newsroom.getJson("/api/v1/results").getLong("sequence") < 1_000) {
      Thread.sleep(50);
    }
    broker.destroy(); // SIGTERM: a graceful broker restart, as a rolling upgrade does
    assertTrue(broker.waitFor(60, TimeUnit.SECONDS));
    broker = BrokerProcess.start(dir, bootstrap);

    Report report;
    try {
      report = running.get(5, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("the simulation failed: " + e.getCause() + "\n" + services.output(), e);
    }
    assertTrue(report.ok(), services.output());
    assertEquals(10_000, infra.queryLong("SELECT count(*) FROM ballot_box"));
  }
}
