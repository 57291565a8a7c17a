package io.votegate.tally;

import io.vertx.core.json.JsonObject;
import io.votegate.model.AcceptedBallot;
import io.votegate.model.Election;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;

/**
 * The results as they stood at an instant: every accepted ballot decided at or before it (its record's timestamp,
 * the ballot-server's decision time), replayed from offset 0 into counts of their own. Memory grows with the units,
 * not the ballots; time with the ballots (a full replay). Blocking: run on a worker.
 */
final class PointInTime {
  private PointInTime() {}

  static JsonObject snapshot(String bootstrap, Election election, Instant asOf, View view) {
    var counts = new Counts(election);
    try (var consumer = AcceptedBallotsFeed.consumer(bootstrap, "votegate-tally-as-of")) {
      var partitions = AcceptedBallotsFeed.assignAll(consumer);
      // Where each partition passes the instant: its first record after it, or (none yet) its end.
      var after = new HashMap<TopicPartition, Long>();
      partitions.forEach(p -> after.put(p, asOf.toEpochMilli() + 1));
      var firstAfter = consumer.offsetsForTimes(after);
      var end = consumer.endOffsets(partitions);
      var stop = new HashMap<TopicPartition, Long>();
      partitions.forEach(p -> stop.put(p, firstAfter.get(p) != null ? firstAfter.get(p).offset() : end.get(p)));
      consumer.seekToBeginning(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < stop.get(p))) {
        for (var record : consumer.poll(Duration.ofMillis(500))) {
          var partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < stop.get(partition) && record.timestamp() <= asOf.toEpochMilli()) {
            counts.apply(AcceptedBallot.fromJson(new JsonObject(record.value())), record.timestamp());
          }
        }
        partitions.stream().filter(p -> consumer.position(p) >= stop.get(p)).forEach(p -> consumer.pause(java.util.List.of(p)));
      }
    }
    // As the results stood then: the embargo and the poll status as of that instant too.
    return counts.snapshot(view, asOf).put("asOf", asOf.toString());
  }
}
