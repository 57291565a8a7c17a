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

  /** A topic as an embedded or test broker creates it; Kubernetes has its own KafkaTopic resources. */
  public record Definition(String name, int partitions, Map<String, String> config) {}

  public static List<Definition> definitions() {
    return List.of(
        // Submitted ballots hold voter IDs next to selections: keep them only as long as replay needs.
        new Definition(BALLOTS, 4, Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000))),
        new Definition(ACCEPTED, 4, Map.of("retention.ms", "-1")),
        new Definition(REJECTED, 4, Map.of("retention.ms", "-1")),
        new Definition(DLQ, 1, Map.of("retention.ms", "-1")));
  }
}
