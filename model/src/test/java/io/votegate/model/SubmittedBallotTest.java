package io.votegate.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The ballot record's wire form, which the gateway writes and the ballot-server reads. */
class SubmittedBallotTest {

  @Test
  void readsBackAsWrittenWithEveryFieldInTheDocumentedShape() {
    var selections = new LinkedHashMap<String, List<String>>();
    selections.put("president", List.of("biden"));
    selections.put("council", List.of("a\"quote", "üñï"));
    selections.put("empty", List.of());
    var ballot = new SubmittedBallot(UUID.randomUUID(), "receipt-1", "election \\ 2020", "RI-0001", "RI", "44001",
        selections, Instant.parse("2020-11-03T14:05:06.123456789Z"));

    var bytes = ballot.encode();
    var json = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    assertEquals(new JsonObject()
        .put("ballotId", ballot.ballotId().toString())
        .put("receipt", "receipt-1")
        .put("electionId", "election \\ 2020")
        .put("voterId", "RI-0001")
        .put("state", "RI")
        .put("county", "44001")
        .put("selections", new JsonObject()
            .put("president", new JsonArray().add("biden"))
            .put("council", new JsonArray().add("a\"quote").add("üñï"))
            .put("empty", new JsonArray()))
        .put("submittedAt", "2020-11-03T14:05:06.123456789Z"), json);
    assertEquals(List.copyOf(json.fieldNames()), List.of("ballotId", "receipt", "electionId", "voterId", "state",
        "county", "selections", "submittedAt"));
    assertEquals(ballot, SubmittedBallot.fromJson(json));
    assertEquals(json, ballot.toJson());
  }

  @Test
  void eachEncodingIsOneWholeDocumentEvenAfterOneFailedHalfway() {
    var ballot = ballot(new LinkedHashMap<>(java.util.Map.of("president", List.of("biden"))));
    var first = new String(ballot.encode(), StandardCharsets.UTF_8);
    assertEquals(first, new String(ballot.encode(), StandardCharsets.UTF_8)); // nothing left over from the first
    assertEquals(ballot, SubmittedBallot.fromJson(new JsonObject(first)));

    // Selections that fail while being written leave this thread's generator mid-document.
    var failing = new java.util.AbstractMap<String, List<String>>() {
      @Override
      public java.util.Set<Entry<String, List<String>>> entrySet() {
        throw new IllegalStateException("changed while being read");
      }
    };
    assertThrows(IllegalStateException.class, () -> ballot(failing).encode());
    assertEquals(first, new String(ballot.encode(), StandardCharsets.UTF_8));
  }

  private static SubmittedBallot ballot(java.util.Map<String, List<String>> selections) {
    return new SubmittedBallot(UUID.fromString("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"), "receipt-1", "us-2020",
        "RI44001-00000001", "RI", "44001", selections, Instant.parse("2020-11-03T14:05:06.123Z"));
  }
}
