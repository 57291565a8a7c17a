package io.votegate.standalone;

import io.vertx.core.Vertx;
import io.votegate.ballots.BallotServerConfig;
import io.votegate.gateway.GatewayConfig;
import io.votegate.loadtest.Simulation;
import io.votegate.model.Election;
import io.votegate.model.Keys;
import io.votegate.model.VoterCard;
import io.votegate.model.VoterCodes;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.tally.TallyConfig;
import io.votegate.testkit.Infra;

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
import java.util.concurrent.TimeUnit;

/**
 * The three services in this process on a test's own servers, each started when the test says, and a simulation of
 * their election: for tests that hold a service back or take a server away mid-stream.
 */
final class ServicesOnInfra implements AutoCloseable {
  private static final Keys KEYS = Keys.fromBase64(Keys.generate(), Keys.generate(), Keys.generate());
  private final Map<String, String> env = new HashMap<>();
  private final List<Service> started = new ArrayList<>();
  private final Metrics metrics = Metrics.create();
  private final Vertx vertx = metrics.vertx();
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final List<Path> cardFiles = new ArrayList<>();

  /** Services for {@code election} at {@code scale}, on the test's Kafka at {@code kafkaBootstrap}. */
  ServicesOnInfra(Infra infra, String kafkaBootstrap, String election, double scale, Map<String, String> extra) {
    var b64 = Base64.getEncoder();
    env.putAll(Map.of(
        "VOTEGATE_KAFKA_BOOTSTRAP", kafkaBootstrap,
        "VOTEGATE_REDIS_URI", infra.redisUri(),
        "VOTEGATE_ELECTION", election,
        "VOTEGATE_ELECTION_SCALE", String.valueOf(scale),
        "VOTEGATE_ELECTION_START", Instant.now().minusSeconds(60).toString(),
        "VOTEGATE_ROLL_KEY", b64.encodeToString(KEYS.roll()),
        "VOTEGATE_TOKEN_KEY", b64.encodeToString(KEYS.token()),
        "VOTEGATE_RECEIPT_KEY", b64.encodeToString(KEYS.receipt())));
    env.putAll(Map.of(
        "VOTEGATE_GATEWAY_PORT", String.valueOf(Infra.freePort()),
        "VOTEGATE_TALLY_PORT", String.valueOf(Infra.freePort()),
        "VOTEGATE_BALLOT_SERVER_PORT", String.valueOf(Infra.freePort()),
        "VOTEGATE_PG_PORT", String.valueOf(infra.postgresPort()), "VOTEGATE_PG_DATABASE", "postgres",
        "VOTEGATE_PG_USER", "postgres",
        "VOTEGATE_TRUSTED_PROXIES", "127.0.0.1,::1")); // as ./votegate up: the simulation speaks for many devices
    env.putAll(extra);
  }

  Election election() {
    return GatewayConfig.fromEnv(env).election();
  }

  Metrics metrics() {
    return metrics;
  }

  ServicesOnInfra startGateway() throws Exception {
    started.add(0, io.votegate.gateway.Main.start(vertx, metrics, GatewayConfig.fromEnv(env)).await(1, TimeUnit.MINUTES));
    return this;
  }

  /** The tally, once ready: as ./votegate up and a readiness probe do, no test reads its counts while it catches up. */
  ServicesOnInfra startTally() throws Exception {
    started.add(0, io.votegate.tally.Main.start(vertx, metrics, TallyConfig.fromEnv(env)).await(1, TimeUnit.MINUTES));
    var newsroom = new io.votegate.testkit.VoterClient(tally().toString());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (newsroom.get("/health/ready").statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the tally did not become ready in a minute");
      }
      Thread.sleep(50);
    }
    return this;
  }

  ServicesOnInfra startBallotServer() throws Exception {
    started.add(0, io.votegate.ballots.Main.start(vertx, metrics, BallotServerConfig.fromEnv(env))
        .await(2, TimeUnit.MINUTES));
    return this;
  }

  URI gateway() {
    return URI.create("http://127.0.0.1:" + env.get("VOTEGATE_GATEWAY_PORT"));
  }

  URI tally() {
    return URI.create("http://127.0.0.1:" + env.get("VOTEGATE_TALLY_PORT"));
  }

  /** A simulation of the whole roll against these services, printing into {@link #output()}. */
  Simulation simulation(double rate, double duplicates, double bad) throws Exception {
    var election = election();
    return new Simulation(new Simulation.Options(election, cards(election), gateway(), tally(), rate, duplicates, bad,
        64, Duration.ofSeconds(60), new PrintStream(output, true, StandardCharsets.UTF_8), false, null));
  }

  String output() {
    return output.toString(StandardCharsets.UTF_8);
  }

  /** The cards CSV of the roll, as ./votegate up writes it; deleted on {@link #close()}. */
  private Path cards(Election election) throws Exception {
    var file = Files.createTempFile("votegate-cards", ".csv");
    cardFiles.add(file);
    var codes = new VoterCodes(KEYS.roll());
    try (var out = Files.newBufferedWriter(file)) {
      out.write(VoterCard.CSV_HEADER + "\n");
      for (var card : (Iterable<VoterCard>) VoterCard.roll(election, codes)::iterator) {
        out.write(card.csv() + "\n");
      }
    }
    return file;
  }

  @Override
  public void close() throws Exception {
    for (var service : started) {
      service.stop().await(60, TimeUnit.SECONDS);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
    for (var file : cardFiles) {
      Files.deleteIfExists(file);
    }
  }
}
