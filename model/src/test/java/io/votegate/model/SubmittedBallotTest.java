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
}
