package io.votegate.tally;

import io.votegate.model.Election;
import io.votegate.platform.Env;

import java.time.Duration;
import java.util.Map;

/**
 * The tally's configuration, read once from the environment. {@code instanceId} keys its checkpoints, so that a
 * restarted tally goes on from its own; {@code checkpointInterval} is how often it stores one; without
 * {@code restore} it ignores checkpoints and rebuilds every count from the first accepted ballot. A stream client
 * that has read nothing for {@code stallTimeout} while events wait for it is dropped.
 */
public record TallyConfig(int httpPort, String kafkaBootstrap, Election election, Duration deltaInterval,
                          Duration heartbeat, String instanceId, Duration checkpointInterval, boolean restore,
                          Duration stallTimeout, java.security.PublicKey operatorKey) {

  public static TallyConfig fromEnv(Map<String, String> vars) {
    var env = new Env(vars);
    return env.validated(new TallyConfig(
        env.port("VOTEGATE_TALLY_PORT", 8081),
        env.string("VOTEGATE_KAFKA_BOOTSTRAP", "localhost:9092"),
        env.election(),
        env.duration("VOTEGATE_DELTA_INTERVAL", Duration.ofMillis(250)),
        env.duration("VOTEGATE_SSE_HEARTBEAT", Duration.ofSeconds(15)),
        env.string("VOTEGATE_INSTANCE_ID", env.string("HOSTNAME", "tally")),
        env.duration("VOTEGATE_TALLY_CHECKPOINT_INTERVAL", Duration.ofSeconds(10)),
        !"rebuild".equals(env.string("VOTEGATE_TALLY_START", "checkpoint")),
        env.duration("VOTEGATE_SSE_STALL_TIMEOUT", Duration.ofSeconds(30)),
        env.operatorKey()));
  }
}
