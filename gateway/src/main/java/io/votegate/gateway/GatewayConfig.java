package io.votegate.gateway;

import io.votegate.model.Election;
import io.votegate.model.Keys;
import io.votegate.platform.Env;

import java.time.Duration;
import java.util.Map;

/** The gateway's configuration, read once from the environment. */
public record GatewayConfig(
    int httpPort,
    int instances,
    String kafkaBootstrap,
    String redisUri,
    Election election,
    Keys keys,
    Duration sessionTtl,
    int maxInFlight) {

  public static GatewayConfig fromEnv(Map<String, String> vars) {
    var env = new Env(vars);
    return env.validated(new GatewayConfig(
        env.port("VOTEGATE_GATEWAY_PORT", 8080),
        env.positive("VOTEGATE_GATEWAY_INSTANCES", Runtime.getRuntime().availableProcessors()),
        env.string("VOTEGATE_KAFKA_BOOTSTRAP", "localhost:9092"),
        env.string("VOTEGATE_REDIS_URI", "redis://localhost:6379"),
        env.election(),
        env.keys(),
        env.duration("VOTEGATE_SESSION_TTL", Duration.ofMinutes(30)),
        env.positive("VOTEGATE_GATEWAY_MAX_IN_FLIGHT", 10_000)));
  }
}
