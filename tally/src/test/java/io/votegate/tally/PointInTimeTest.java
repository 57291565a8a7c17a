package io.votegate.tally;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Results as they stood at an instant, on a real Kafka broker: a replay of every ballot decided at or before it,
 * equal to what the live count said then, for two moments; bad instants are refused; the stream has no past.
 */
class PointInTimeTest {

  @Test
  void theSnapshotAsOfAnInstantCountsExactlyTheBallotsDecidedByThen() throws Exception {
    try (var tally = new TestTally("demo", Instant.now().minus(1, ChronoUnit.HOURS), Map.of())) {
      tally.produce(List.of(List.of("DE", "10001"), List.of("DE", "10003"), List.of("RI", "44007")));
      TestTally.await(() -> tally.sequence() == 3);
      var firstLive = tally.client.getJson("/api/v1/results?level=county");
      Thread.sleep(20);
      var first = Instant.now();
      Thread.sleep(20);
      tally.produce(List.of(List.of("HI", "15001"), List.of("DE", "10001")));
      TestTally.await(() -> tally.sequence() == 5);
      var secondLive = tally.client.getJson("/api/v1/results?level=county");
      Thread.sleep(20);
      var second = Instant.now();
      Thread.sleep(20);
      tally.produce(List.of(List.of("RI", "44001")));
      TestTally.await(() -> tally.sequence() == 6);

      var atFirst = tally.client.getJson("/api/v1/results?level=county&asOf=" + first);
      assertEquals(first.toString(), atFirst.getString("asOf"));
      assertEquals(3, atFirst.getLong("sequence"));
      assertEquals(withoutTimes(firstLive), withoutTimes(atFirst), "the same as the live count said then");
      var atSecond = tally.client.getJson("/api/v1/results?level=county&asOf=" + second);
      assertEquals(5, atSecond.getLong("sequence"));
      assertEquals(withoutTimes(secondLive), withoutTimes(atSecond));
      assertEquals(0, tally.client.getJson("/api/v1/results?asOf=2000-01-01T00:00:00Z").getLong("sequence"));
      var csv = tally.client.get("/api/v1/results?level=state&format=csv&asOf=" + first).body();
      assertTrue(csv.contains("president,state,DE,,,dem,2,2"), csv);

      assertEquals(400, tally.client.get("/api/v1/results?asOf=yesterday").statusCode());
      assertEquals(400, tally.client.get("/api/v1/results?asOf=" + first + "&asOf=" + second).statusCode());
      assertEquals(400, tally.client.get("/api/v1/results/stream?asOf=" + first).statusCode());
    }
  }

  /** A snapshot without the fields that say when it was made. */
  private static JsonObject withoutTimes(JsonObject snapshot) {
    var copy = snapshot.copy();
    copy.remove("generatedAt");
    copy.remove("asOf");
    return copy;
  }
}
