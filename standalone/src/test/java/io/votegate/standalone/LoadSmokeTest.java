package io.votegate.standalone;

import io.vertx.core.Vertx;
import io.votegate.ballots.BallotServerConfig;
import io.votegate.gateway.GatewayConfig;
import io.votegate.loadtest.Report;
import io.votegate.loadtest.Simulation;
import io.votegate.model.Election;
import io.votegate.model.Keys;
import io.votegate.model.VoterCard;
import io.votegate.model.VoterCodes;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.tally.TallyConfig;
import io.votegate.testkit.Infra;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A load smoke through the real stack: the us-2020 roll at a scale of over 20,000 voters, every voter signing in and
 * voting at full speed, some twice, some requests bad. The ballot-server starts only once the gateway has
 * acknowledged every ballot, so it meets a backlog and decides it in batches of its largest allowed size; every
 * ballot must be counted once, per county and candidate, and no batch may fail.
 */
class LoadSmokeTest {
  private static final Keys KEYS = Keys.fromBase64(Keys.generate(), Keys.generate(), Keys.generate());
  private static final double SCALE = 0.00015;
  private final List<Service> services = new ArrayList<>();
  private Infra infra;
  private Vertx vertx;

  @AfterEach
  void stopEverything() throws Exception {
    for (var service : services) {
      service.stop().await(60, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void aBacklogDecidedInBatchesOfTheLargestSizeIsCountedOnceWithoutAFailedBatch() throws Exception {
    infra = new Infra().withKafka().withPostgres().withRedis();
    var env = environment();
    var metrics = Metrics.create();
    vertx = metrics.vertx();
    services.add(io.votegate.tally.Main.start(vertx, metrics, TallyConfig.fromEnv(env)).await(60, TimeUnit.SECONDS));
    services.add(0, io.votegate.gateway.Main.start(vertx, metrics, GatewayConfig.fromEnv(env))
        .await(60, TimeUnit.SECONDS));
    var election = GatewayConfig.fromEnv(env).election();
    assertTrue(election.voters() >= 20_000, "the smoke needs at least 20,000 voters, has " + election.voters());

    var output = new ByteArrayOutputStream();
    var simulation = Executors.newSingleThreadExecutor().submit(() -> new Simulation(new Simulation.Options(
        election, cards(election), URI.create("http://127.0.0.1:" + env.get("VOTEGATE_GATEWAY_PORT")),
        URI.create("http://127.0.0.1:" + env.get("VOTEGATE_TALLY_PORT")), 0, 0.02, 0.01, 64, Duration.ofSeconds(60),
        new PrintStream(output, true, StandardCharsets.UTF_8), false)).run());

    var produced = metrics.registry().get("votegate.gateway.ballots.produced").counter();
    awaitSteady(() -> produced.count() >= election.voters(), produced::count);
    var ballotServerConfig = BallotServerConfig.fromEnv(env);
    services.add(io.votegate.ballots.Main.start(vertx, metrics, ballotServerConfig).await(2, TimeUnit.MINUTES));

    Report report = simulation.get(5, TimeUnit.MINUTES);
    var printed = output.toString(StandardCharsets.UTF_8);
    assertTrue(report.ok(), printed);
    assertEquals(election.voters(), report.acknowledged());
    assertEquals(0.0, metrics.registry().get("votegate.ballot_server.batches.failed").counter().count(), printed);
    var batches = metrics.registry().get("votegate.ballot_server.batch.size").summary();
    assertEquals(BallotServerConfig.MAX_BATCH_SIZE, (int) batches.max(), "the backlog was decided in full batches");
    assertEquals(election.voters(), infra.queryLong("SELECT count(*) FROM ballot_box"));
    assertEquals(election.voters(), infra.queryLong("SELECT count(*) FROM voters WHERE status = 'voted'"));
  }

  private Map<String, String> environment() {
    var b64 = Base64.getEncoder();
    var env = new HashMap<>(Map.of(
        "VOTEGATE_KAFKA_BOOTSTRAP", infra.kafkaBootstrap(),
        "VOTEGATE_REDIS_URI", infra.redisUri(),
        "VOTEGATE_ELECTION", "us-2020",
        "VOTEGATE_ELECTION_SCALE", String.valueOf(SCALE),
        "VOTEGATE_ELECTION_START", Instant.now().minusSeconds(60).toString(),
        "VOTEGATE_ROLL_KEY", b64.encodeToString(KEYS.roll()),
        "VOTEGATE_TOKEN_KEY", b64.encodeToString(KEYS.token()),
        "VOTEGATE_RECEIPT_KEY", b64.encodeToString(KEYS.receipt()),
        "VOTEGATE_BATCH_SIZE", String.valueOf(BallotServerConfig.MAX_BATCH_SIZE)));
    env.putAll(Map.of(
        "VOTEGATE_GATEWAY_PORT", String.valueOf(Infra.freePort()),
        "VOTEGATE_TALLY_PORT", String.valueOf(Infra.freePort()),
        "VOTEGATE_BALLOT_SERVER_PORT", String.valueOf(Infra.freePort()),
        "VOTEGATE_PG_PORT", String.valueOf(infra.postgresPort()), "VOTEGATE_PG_DATABASE", "postgres",
        "VOTEGATE_PG_USER", "postgres"));
    return env;
  }

  /** The cards CSV of the roll, as ./votegate up writes it. */
  private static Path cards(Election election) throws Exception {
    var file = Files.createTempFile("votegate-cards", ".csv");
    var codes = new VoterCodes(KEYS.roll());
    try (var out = Files.newBufferedWriter(file)) {
      out.write(VoterCard.CSV_HEADER + "\n");
      for (var card : (Iterable<VoterCard>) VoterCard.roll(election, codes)::iterator) {
        out.write(card.csv() + "\n");
      }
    }
    return file;
  }

  /** Waits until {@code done} holds and {@code value} has not moved for a second (second ballots arrive last). */
  private static void awaitSteady(java.util.function.BooleanSupplier done, java.util.function.DoubleSupplier value)
      throws InterruptedException {
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
