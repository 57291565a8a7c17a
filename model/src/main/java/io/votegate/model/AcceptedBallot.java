package io.votegate.model;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A counted ballot on topic {@code ballots.accepted}, keyed by state. No voter ID and no receipt: nothing here links a
 * ballot to its voter; {@code acceptedAt} is truncated to the hour for the same reason.
 */
public record AcceptedBallot(UUID ballotId, String electionId, String state, String county,
                             Map<String, List<String>> selections, Instant acceptedAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("ballotId", ballotId.toString())
        .put("electionId", electionId)
        .put("state", state)
        .put("county", county)
        .put("selections", Selections.toJson(selections))
        .put("acceptedAt", acceptedAt.toString());
  }

  public static AcceptedBallot fromJson(JsonObject json) {
    return new AcceptedBallot(
        UUID.fromString(json.getString("ballotId")),
        json.getString("electionId"),
        json.getString("state"),
        json.getString("county"),
        Selections.fromJson(json.getJsonObject("selections")),
        Instants.parse(json.getString("acceptedAt")));
  }
}
