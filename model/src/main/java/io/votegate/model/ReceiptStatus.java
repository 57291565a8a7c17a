package io.votegate.model;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/**
 * What a voter sees of a receipt: {@code pending}, {@code counted} or {@code rejected} with its reason. The
 * ballot-server writes decided statuses to Redis; the gateway reads them and pushes them to waiting voters.
 */
public record ReceiptStatus(String receipt, String status, String reason, Instant decidedAt) {

  /** Redis key of a receipt's status, and the channel on which changes are published. */
  public static String redisKey(String receipt) {
    return "votegate:receipt:" + receipt;
  }

  /**
   * The channel on which decided statuses are published, a batch per message (a JSON array): one PUBLISH per chunk
   * of a decided batch, not one per ballot, so notices cost the ballot-server and every gateway a few messages a
   * second at any rate.
   */
  public static final String CHANNEL = "votegate:receipts";

  /** The notice of statuses already encoded (for their SETs): a JSON array of them, without encoding them again. */
  public static String noticeOf(List<String> encodedStatuses) {
    return "[" + String.join(",", encodedStatuses) + "]";
  }

  public static ReceiptStatus pending(String receipt) {
    return new ReceiptStatus(receipt, "pending", null, null);
  }

  public static ReceiptStatus counted(String receipt, Instant at) {
    return new ReceiptStatus(receipt, "counted", null, at);
  }

  public static ReceiptStatus rejected(String receipt, RejectedBallot.Reason reason, Instant at) {
    return new ReceiptStatus(receipt, "rejected", reason.code(), at);
  }

  public boolean isFinal() {
    return !"pending".equals(status);
  }

  public JsonObject toJson() {
    var json = new JsonObject().put("receipt", receipt).put("status", status);
    if (reason != null) {
      json.put("reason", reason);
    }
    if (decidedAt != null) {
      json.put("decidedAt", decidedAt.toString());
    }
    return json;
  }

  public static ReceiptStatus fromJson(JsonObject json) {
    var at = json.getString("decidedAt");
    return new ReceiptStatus(json.getString("receipt"), json.getString("status"), json.getString("reason"),
        at == null ? null : Instants.parse(at));
  }
}
