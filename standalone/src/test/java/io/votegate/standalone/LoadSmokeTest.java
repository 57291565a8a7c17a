package io.votegate.standalone;

import io.votegate.ballots.BallotServerConfig;
import io.votegate.loadtest.Report;
import io.votegate.testkit.Infra;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A load smoke through the real stack: the us-2020 roll at a scale of over 20,000 voters, every voter signing in and
 * voting at full speed, some twice, some requests bad. The ballot-server starts only once the gateway has
 * acknowledged every ballot, so it meets a backlog and decides it in batches of its largest allowed size; every
 * ballot must be counted once, per county and candidate, and no batch may fail.
 */
class LoadSmokeTest {
  private Infra infra;
  private ServicesOnInfra services;

  @AfterEach
  void stopEverything() throws Exception {
    if (services != null) {
      services.close();
    }
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void aBacklogDecidedInBatchesOfTheLargestSizeIsCountedOnceWithoutAFailedBatch() throws Exception {
    infra = new Infra().withKafka().withPostgres().withRedis();
    services = new ServicesOnInfra(infra, infra.kafkaBootstrap(), "us-2020", 0.00015,
        Map.of("VOTEGATE_BATCH_SIZE", String.valueOf(BallotServerConfig.MAX_BATCH_SIZE))).startTally().startGateway();
    var election = services.election();
    assertTrue(election.voters() >= 20_000, "the smoke needs at least 20,000 voters, has " + election.voters());

    var simulation = services.simulation(0, 0.02, 0.01);
    var running = Executors.newSingleThreadExecutor().submit(simulation::run);
    var registry = services.metrics().registry();
    var produced = registry.get("votegate.gateway.ballots.produced").counter();
    awaitSteady(() -> produced.count() >= election.voters(), produced::count);
    services.startBallotServer();

    Report report = running.get(5, TimeUnit.MINUTES);
    assertTrue(report.ok(), services.output());
    assertEquals(election.voters(), report.acknowledged());
    assertEquals(0.0, registry.get("votegate.ballot_server.batches.failed").counter().count(), services.output());
    var batches = registry.get("votegate.ballot_server.batch.size").summary();
    assertEquals(BallotServerConfig.MAX_BATCH_SIZE, (int) batches.max(), "the backlog was decided in full batches");
    assertEquals(election.voters(), infra.queryLong("SELECT count(*) FROM ballot_box"));
    assertEquals(election.voters(), infra.queryLong("SELECT count(*) FROM voters WHERE status = 'voted'"));
  }

  /** Waits until {@code done} holds and {@code value} has not moved for a second (second ballots arrive last). */
  private static void awaitSteady(BooleanSupplier done, DoubleSupplier value) throws InterruptedException {
    var deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    double last = -1;
    while (System.nanoTime() < deadline) {
      double now = value.getAsDouble();
      if (done.getAsBoolean() && now == last) {
        return;
      }
      last = now;
      Thread.sleep(1_000);
    }
    fail("the gateway did not acknowledge every ballot within 3 minutes: " + value.getAsDouble());
  }
}
