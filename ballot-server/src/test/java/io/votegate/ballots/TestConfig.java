package io.votegate.ballots;

import io.votegate.testkit.Infra;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The ballot-server's configuration on a test's own servers: the demo election, polls open since a minute ago. */
final class TestConfig {
  private TestConfig() {}

  static BallotServerConfig on(Infra infra, int httpPort, Map<String, String> extra) {
    var env = new HashMap<>(Map.of(
        "VOTEGATE_KAFKA_BOOTSTRAP", infra.kafkaBootstrap(), "VOTEGATE_REDIS_URI", infra.redisUri(),
        "VOTEGATE_PG_PORT", String.valueOf(infra.postgresPort()), "VOTEGATE_PG_DATABASE", "postgres",
        "VOTEGATE_PG_USER", "postgres", "VOTEGATE_BALLOT_SERVER_PORT", String.valueOf(httpPort),
        "VOTEGATE_ELECTION_START", Instant.now().minusSeconds(60).toString()));
    env.putAll(extra);
    return BallotServerConfig.fromEnv(env);
  }
}
