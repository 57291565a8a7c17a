package io.votegate.standalone;

import io.vertx.core.Vertx;
import io.votegate.ballots.BallotServerConfig;
import io.votegate.gateway.GatewayConfig;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import io.votegate.tally.TallyConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system in one process: embedded Kafka, PostgreSQL and Redis, then the ballot-server, tally and gateway,
 * configured through the same environment variables a deployment uses. Stopped in reverse order, each part
 * draining and committing before the next goes.
 */
final class LocalStack implements AutoCloseable {
  private final List<AutoCloseable> started = new ArrayList<>();
  private String kafkaBootstrap;

  /** What {@code up} asks for; the election is the one stored in the data directory. */
  record Settings(DataDir data, DataDir.StoredElection election, int gatewayPort, int tallyPort,
                  int ballotServerPort) {}

  static LocalStack start(Settings settings) throws Exception {
    var stack = new LocalStack();
    try {
      stack.startAll(settings);
      return stack;
    } catch (Exception e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Settings settings) throws Exception {
    var data = settings.data();
    var redis = RedisNode.start(data.redis());
    started.add(0, redis);
    var postgres = PostgresNode.start(data.postgres());
    started.add(0, postgres);
    var kafka = KafkaNode.start(data.kafka());
    started.add(0, kafka);
    kafkaBootstrap = kafka.bootstrap();

    var env = new HashMap<String, String>();
    data.keys().forEach((k, v) -> env.put((String) k, (String) v));
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
        "VOTEGATE_INSTANCE_ID", "standalone"));
    env.putAll(Map.of(
        "VOTEGATE_GATEWAY_PORT", String.valueOf(settings.gatewayPort()),
        "VOTEGATE_TALLY_PORT", String.valueOf(settings.tallyPort()),
        "VOTEGATE_BALLOT_SERVER_PORT", String.valueOf(settings.ballotServerPort())));

    var metrics = Metrics.create();
    Vertx vertx = metrics.vertx();
    started.add(0, () -> vertx.close().await(10, TimeUnit.SECONDS));
    started.add(0, stopping(io.votegate.ballots.Main.start(vertx, metrics, BallotServerConfig.fromEnv(env))
        .await(5, TimeUnit.MINUTES)));
    started.add(0, stopping(io.votegate.tally.Main.start(vertx, metrics, TallyConfig.fromEnv(env))
        .await(1, TimeUnit.MINUTES)));
    started.add(0, stopping(io.votegate.gateway.Main.start(vertx, metrics, GatewayConfig.fromEnv(env))
        .await(1, TimeUnit.MINUTES)));
  }

  String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  private static AutoCloseable stopping(Service service) {
    return () -> service.stop().await(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    for (var part : started) {
      try {
        part.close();
      } catch (Exception e) {
        System.err.println("did not stop cleanly: " + e);
      }
    }
    started.clear();
  }
}
