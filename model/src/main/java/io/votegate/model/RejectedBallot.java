package io.votegate.model;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/** A refused ballot on topic {@code ballots.rejected}, keyed by state: which receipt, why, when. */
public record RejectedBallot(String receipt, Reason reason, Instant at) {

  /** Why the ballot-server refused a ballot; the wire names are API.md's. */
  public enum Reason {
    ALREADY_VOTED, NOT_ON_ROLL, REVOKED, POLLS_CLOSED;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("receipt", receipt).put("reason", reason.code()).put("at", at.toString());
  }
}
