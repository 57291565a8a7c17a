package io.votegate.tally;

import io.vertx.core.json.JsonObject;
import io.votegate.testkit.VoterClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An election with an embargo, on a real Kafka broker: while a state's polls are open its counts are nowhere, neither
 * in the snapshot nor on the stream; the moment they close, both show them, and a newsroom already connected gets
 * them without reconnecting.
 */
class EmbargoLiftTest {

  @Test
  void aStatesCountsAppearInTheSnapshotAndOnTheOpenStreamWhenItsPollsClose() throws Exception {
    var start = Instant.now().minus(1, ChronoUnit.HOURS); // Delaware closes 20 s from now (after start-up), the others in a day
    var definition = Path.of("src/test/resources/elections/embargo-demo.json").toAbsolutePath().toString();
    try (var tally = new TestTally(definition, start, Map.of())) {
      tally.produce(List.of(List.of("DE", "10001"), List.of("DE", "10003"), List.of("RI", "44007")));
      TestTally.await(() -> tally.sequence() == 3);
      var stream = tally.client.events("/api/v1/results/stream?level=county", null, null);

      var before = VoterClient.next(stream, "snapshot");
      assertTrue(before.getBoolean("test"));
      var delaware = state(before, "DE");
      assertTrue(delaware.getBoolean("embargoed"));
      assertFalse(delaware.containsKey("votes") || delaware.containsKey("counties") || delaware.containsKey("ballots"),
          "an embargoed state has no counts: " + delaware);
      assertEquals(0, totals(before), "nor do the national totals include them");
      var snapshotBefore = tally.client.getJson("/api/v1/results?level=county");
      assertTrue(state(snapshotBefore, "DE").getBoolean("embargoed"));
      tally.produce(List.of(List.of("DE", "10005")));
      assertNull(stream.poll(1, TimeUnit.SECONDS), "a ballot in an embargoed state sends no delta");

      // Polls close: the open stream gets a new snapshot with Delaware's counts, no reconnect.
      var after = VoterClient.next(stream, "snapshot");
      var delawareAfter = state(after, "DE");
      assertFalse(delawareAfter.getBoolean("embargoed"));
      assertTrue(delawareAfter.getBoolean("pollsClosed"));
      assertEquals(3, delawareAfter.getLong("ballots"));
      assertEquals(3, totals(after), "national totals now include Delaware");
      assertTrue(state(after, "RI").getBoolean("embargoed"), "Rhode Island's polls are still open");
      assertEquals(3, state(tally.client.getJson("/api/v1/results?level=county"), "DE").getLong("ballots"));

      // And from now on Delaware's changes arrive as deltas.
      tally.produce(List.of(List.of("DE", "10001")));
      var delta = VoterClient.next(stream, "delta");
      assertEquals(4, state(delta, "DE").getLong("ballots"));
    }
  }

  private static JsonObject state(JsonObject results, String code) {
    return results.getJsonArray("contests").getJsonObject(0).getJsonArray("states").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("state").equals(code)).findFirst().orElseThrow(() -> new AssertionError("no " + code));
  }

  private static long totals(JsonObject results) {
    var totals = results.getJsonArray("contests").getJsonObject(0).getJsonObject("totals");
    return totals.fieldNames().stream().mapToLong(totals::getLong).sum();
  }
}
