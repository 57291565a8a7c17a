package io.votegate.model;

import java.util.List;
import java.util.Map;

/**
 * The Kafka topics and their definitions. Every record is keyed by state, so one state's ballots keep their order on
 * one partition and a voter's duplicates meet in the same consumer. Partition counts live here, not in code that
 * produces or consumes.
 */
public final class Topics {
  private Topics() {}

  public static final String BALLOTS = "ballots";
  public static final String ACCEPTED = "ballots.accepted";
  public static final String REJECTED = "ballots.rejected";
  public static final String DLQ = "ballots.dlq";
  /** The tally's checkpoints, keyed by tally instance: compacted, so only each instance's latest is kept. */
  public static final String TALLY_CHECKPOINTS = "tally.checkpoints";
  /** Operators' signed commands for the day (ControlCommand): keyed by command, kept for good, read by every service. */
  public static final String CONTROL = "control";

  /** A topic as an embedded or test broker creates it, and as Kubernetes' KafkaTopic resources declare it. */
  public record Definition(String name, int partitions, Map<String, String> config) {}

  /**
   * The one source of the topics' names, partition counts and retention: the embedded and test brokers create them
   * from here, and a test checks that the KafkaTopics in {@code k8s/base/topics.yaml} say the same.
   *
   * <p>Partitions cap how many ballot-servers share the work (one per partition at most). Eight: a national election
   * peaks at around 10k ballots/s (158M ballots in a 13-hour day is 3.4k/s on average), which two or three
   * ballot-servers decide on one PostgreSQL primary (each decides 15–20k/s alone, and the primary is the shared
   * limit); eight leave room for replicas spread over zones and for PostgreSQL sharded by state, while more would buy
   * nothing: the key is the state, and California alone is 11 % of the ballots, on one partition.
   */
  public static List<Definition> definitions() {
    return List.of(
        // Submitted ballots hold voter IDs next to selections: keep them only as long as replay needs.
        new Definition(BALLOTS, 8, Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000))),
        new Definition(ACCEPTED, 8, Map.of("retention.ms", "-1")),
        new Definition(REJECTED, 4, Map.of("retention.ms", "-1")),
        new Definition(DLQ, 1, Map.of("retention.ms", "-1")),
        // A checkpoint is one record of the whole count (gzipped JSON, ~100 KB for us-2020's 3,152 counties).
        // Every command of the day, in order: a ballot is judged by the window in force when it was accepted.
        new Definition(CONTROL, 1, Map.of("retention.ms", "-1")),
        new Definition(TALLY_CHECKPOINTS, 1, Map.of("cleanup.policy", "compact", "max.message.bytes", "16777216")));
  }
}
