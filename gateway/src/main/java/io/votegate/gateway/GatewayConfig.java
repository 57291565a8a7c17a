package io.votegate.gateway;

import io.votegate.model.Election;
import io.votegate.model.Keys;
import io.votegate.platform.Env;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
    int maxInFlight,
    Limits limits,
    List<String> trustedProxies,
    java.security.PublicKey operatorKey) {

  /** At most {@code max} events per key in a window of {@code window}, counted from the key's first event. */
  public record Limit(int max, Duration window) {}

  /**
   * API.md's rate limits: failed sign-ins per voter ID and per client address (in Redis), ballot submissions per
   * token (in each event loop's memory, so its window is short).
   */
  public record Limits(Limit failuresPerVoter, Limit failuresPerAddress, Limit ballotsPerToken) {}

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
        env.positive("VOTEGATE_GATEWAY_MAX_IN_FLIGHT", 10_000),
        new Limits(
            new Limit(env.positive("VOTEGATE_SIGNIN_FAILURES_PER_VOTER", 10),
                env.duration("VOTEGATE_SIGNIN_FAILURES_PER_VOTER_WINDOW", Duration.ofMinutes(15))),
            new Limit(env.positive("VOTEGATE_SIGNIN_FAILURES_PER_ADDRESS", 100),
                env.duration("VOTEGATE_SIGNIN_FAILURES_PER_ADDRESS_WINDOW", Duration.ofMinutes(1))),
            new Limit(env.positive("VOTEGATE_BALLOTS_PER_TOKEN", 10),
                env.duration("VOTEGATE_BALLOTS_PER_TOKEN_WINDOW", Duration.ofSeconds(10)))),
        env.check("VOTEGATE_TRUSTED_PROXIES", Arrays.stream(env.string("VOTEGATE_TRUSTED_PROXIES", "").split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).toList(), ClientAddresses::validProxy,
            "a comma-separated list of IP addresses or CIDR blocks such as 10.0.0.0/8"),
        env.operatorKey()));
  }
}
