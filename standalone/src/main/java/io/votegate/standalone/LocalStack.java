package io.votegate.standalone;

import io.vertx.core.Vertx;
import io.votegate.ballots.BallotServerConfig;
import io.votegate.embedded.PostgresNode;
import io.votegate.embedded.RedisNode;
import io.votegate.embedded.Waiting;
import io.votegate.gateway.GatewayConfig;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.tally.TallyConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system in one process: embedded Kafka, PostgreSQL and Redis, then the ballot-server, tally and gateway,
 * configured through the same environment variables a deployment uses. Stopped in reverse order, each part
 * draining and committing before the next goes. The benchmark starts the servers alone and the services one by one.
 */
final class LocalStack implements AutoCloseable {
  private final List<AutoCloseable> servers = new ArrayList<>();
  /** Services by name, most recently started first, so they stop in reverse order. */
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Map<String, String> env = new HashMap<>();
  private Metrics metrics;
  private Vertx vertx;
  private String kafkaBootstrap;
  /** Every service's instance ID here: one of each runs. */
  private static final String INSTANCE_ID = "standalone";

  /** What {@code up} asks for; the election is the one stored in the data directory. */
  record Settings(DataDir data, DataDir.StoredElection election, int gatewayPort, int tallyPort,
                  int ballotServerPort) {}

  /** Everything, as {@code ./votegate up} runs it. */
  static LocalStack start(Settings settings) throws Exception {
    var stack = servers(settings);
    try {
      stack.startBallotServer(Map.of());
      stack.startTally();
      stack.startGateway();
      return stack;
    } catch (Exception e) {
      stack.close();
      throw e;
    }
  }

  /** Kafka, PostgreSQL and Redis, and the services' configuration; no service yet. */
  static LocalStack servers(Settings settings) throws Exception {
    var stack = new LocalStack();
    try {
      stack.startServers(settings);
      return stack;
    } catch (Exception e) {
      stack.close();
      throw e;
    }
  }

  private void startServers(Settings settings) throws Exception {
    var data = settings.data();
    var redis = RedisNode.durable(data.redis(),
        Ports.remembered(data.redis().resolve("ports.properties"), "redis").get("redis"));
    servers.add(0, redis);
    var postgres = PostgresNode.start(data.postgres(),
        Ports.remembered(data.postgres().getParent().resolve("postgres.ports"), "postgres").get("postgres"),
        PostgresNode.durableSettings());
    servers.add(0, postgres);
    var kafka = KafkaNode.start(data.kafka(), List.of(BallotServerConfig.transactionalId(INSTANCE_ID)));
    servers.add(0, kafka);
    kafkaBootstrap = kafka.bootstrap();

    // The services get the operator's public key only: they verify commands, they cannot make them.
    data.keys().forEach((k, v) -> {
      if (!k.equals("VOTEGATE_OPERATOR_KEY")) {
        env.put((String) k, (String) v);
      }
    });
    env.putAll(Map.of(
        "VOTEGATE_ELECTION", settings.election().name(),
        "VOTEGATE_ELECTION_SCALE", String.valueOf(settings.election().scale()),
        "VOTEGATE_ELECTION_START", settings.election().start().toString(),
        "VOTEGATE_KAFKA_BOOTSTRAP", kafka.bootstrap(),
        "VOTEGATE_REDIS_URI", redis.uri(),
        "VOTEGATE_PG_HOST", "127.0.0.1",
        "VOTEGATE_PG_PORT", String.valueOf(postgres.port()),
        "VOTEGATE_PG_DATABASE", "postgres",
        "VOTEGATE_PG_USER", "postgres",
        "VOTEGATE_INSTANCE_ID", INSTANCE_ID));
    env.putAll(Map.of(
        "VOTEGATE_GATEWAY_PORT", String.valueOf(settings.gatewayPort()),
        "VOTEGATE_TALLY_PORT", String.valueOf(settings.tallyPort()),
        "VOTEGATE_BALLOT_SERVER_PORT", String.valueOf(settings.ballotServerPort()),
        // Load generators on this machine speak for many voters' devices with X-Forwarded-For (see the README).
        "VOTEGATE_TRUSTED_PROXIES", "127.0.0.1,::1"));

    metrics = Metrics.create();
    vertx = metrics.vertx();
    servers.add(0, () -> vertx.close().await(10, TimeUnit.SECONDS));
  }

  /** The ballot-server, with {@code overrides} of its environment (a batch size, say). */
  void startBallotServer(Map<String, String> overrides) throws Exception {
    var config = new HashMap<>(env);
    config.putAll(overrides);
    started("ballot-server", io.votegate.ballots.Main.start(vertx, metrics, BallotServerConfig.fromEnv(config))
        .await(10, TimeUnit.MINUTES));
  }

  /**
   * The tally, once live. Until it has counted every ballot there was when it started (from its checkpoint, or from
   * the start), it is not ready, and up is not either: "ready" must never show a partial count.
   */
  void startTally() throws Exception {
    started("tally", io.votegate.tally.Main.start(vertx, metrics, TallyConfig.fromEnv(env)).await(1, TimeUnit.MINUTES));
    awaitTallyLive(Integer.parseInt(env.get("VOTEGATE_TALLY_PORT")));
  }

  /** Blocking, at startup only. */
  private void awaitTallyLive(int port) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var ready = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(java.time.Duration.ofSeconds(5)).build();
    try (var waiting = Waiting.quietly("the tally to count every accepted ballot (it catches up from its checkpoint)")) {
      while (http.send(ready, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        Thread.sleep(100);
      }
    }
  }

  void startGateway() throws Exception {
    startGateway(Map.of());
  }

  /** The gateway, with {@code overrides} of its environment (a short session lifetime, say). */
  void startGateway(Map<String, String> overrides) throws Exception {
    var config = new HashMap<>(env);
    config.putAll(overrides);
    started("gateway", io.votegate.gateway.Main.start(vertx, metrics, GatewayConfig.fromEnv(config))
        .await(1, TimeUnit.MINUTES));
  }

  private void started(String name, Service service) {
    var newestFirst = new LinkedHashMap<String, Service>();
    newestFirst.put(name, service);
    newestFirst.putAll(services);
    services.clear();
    services.putAll(newestFirst);
  }

  /** Stops one service gracefully (it drains and commits); the others run on. */
  void stop(String name) throws Exception {
    var service = services.remove(name);
    if (service != null) {
      service.stop().await(1, TimeUnit.MINUTES);
    }
  }

  String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  Metrics metrics() {
    return metrics;
  }

  Map<String, String> environment() {
    return Map.copyOf(env);
  }

  @Override
  public void close() {
    for (var name : List.copyOf(services.keySet())) {
      try {
        stop(name);
      } catch (Exception e) {
        System.err.println(name + " did not stop cleanly: " + e);
      }
    }
    for (var part : servers) {
      try {
        part.close();
      } catch (Exception e) {
        System.err.println("did not stop cleanly: " + e);
      }
    }
    servers.clear();
  }
}
