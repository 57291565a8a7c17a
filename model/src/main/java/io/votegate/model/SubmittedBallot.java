package io.votegate.model;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** A ballot as the gateway publishes it to topic {@code ballots}, keyed by state. The one record with a voter ID. */
public record SubmittedBallot(UUID ballotId, String receipt, String electionId, String voterId, String state,
                              String county, Map<String, List<String>> selections, Instant submittedAt) {

  public SubmittedBallot {
    Objects.requireNonNull(ballotId, "ballotId");
    Objects.requireNonNull(receipt, "receipt");
    Objects.requireNonNull(electionId, "electionId");
    Objects.requireNonNull(voterId, "voterId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(county, "county");
    Objects.requireNonNull(selections, "selections");
    Objects.requireNonNull(submittedAt, "submittedAt");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("ballotId", ballotId.toString())
        .put("receipt", receipt)
        .put("electionId", electionId)
        .put("voterId", voterId)
        .put("state", state)
        .put("county", county)
        .put("selections", Selections.toJson(selections))
        .put("submittedAt", submittedAt.toString());
  }

  /** Throws on anything malformed: such a record goes to the dead-letter topic. */
  public static SubmittedBallot fromJson(JsonObject json) {
    return new SubmittedBallot(
        UUID.fromString(json.getString("ballotId")),
        json.getString("receipt"),
        json.getString("electionId"),
        json.getString("voterId"),
        json.getString("state"),
        json.getString("county"),
        Selections.fromJson(json.getJsonObject("selections")),
        Instants.parse(json.getString("submittedAt")));
  }
}
