package io.votegate.ballots;

import io.votegate.model.Election;
import io.votegate.platform.Env;

import java.util.Map;

/** The ballot-server's configuration, read once from the environment. */
public record BallotServerConfig(
    int httpPort,
    String kafkaBootstrap,
    String redisUri,
    String pgHost,
    int pgPort,
    String pgDatabase,
    String pgUser,
    String pgPassword,
    Election election,
    String instanceId,
    int batchSize,
    boolean loadRoll,
    java.security.PublicKey operatorKey) {

  /**
   * The largest batch allowed, and tested (the load smoke runs at it). What grows with a batch stays bounded: the
   * SQL passes each column as one array parameter, the Redis client's queue of replies is sized for it, and the Kafka transaction of
   * 10,000 decisions (about 4 MB) commits well within the transaction timeout.
   */
  public static final int MAX_BATCH_SIZE = 10_000;

  public static BallotServerConfig fromEnv(Map<String, String> vars) {
    var env = new Env(vars);
    return env.validated(new BallotServerConfig(
        env.port("VOTEGATE_BALLOT_SERVER_PORT", 8082),
        env.string("VOTEGATE_KAFKA_BOOTSTRAP", "localhost:9092"),
        env.string("VOTEGATE_REDIS_URI", "redis://localhost:6379"),
        env.string("VOTEGATE_PG_HOST", "localhost"),
        env.port("VOTEGATE_PG_PORT", 5432),
        env.string("VOTEGATE_PG_DATABASE", "votegate"),
        env.string("VOTEGATE_PG_USER", "votegate"),
        env.string("VOTEGATE_PG_PASSWORD", ""),
        env.election(),
        env.string("VOTEGATE_INSTANCE_ID", env.string("HOSTNAME", "ballot-server-0")),
        env.between("VOTEGATE_BATCH_SIZE", 2_000, 1, MAX_BATCH_SIZE),
        Boolean.parseBoolean(env.string("VOTEGATE_LOAD_ROLL", "true")),
        env.operatorKey()));
  }

  /** The decision loop's transactional ID: one per instance, so a restarted instance fences its own former self. */
  public String transactionalId() {
    return transactionalId(instanceId);
  }

  public static String transactionalId(String instanceId) {
    return "votegate-ballot-server-" + instanceId;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + pgDatabase;
  }
}
