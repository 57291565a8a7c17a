package io.votegate.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.votegate.model.ReceiptStatus;

/**
 * Reads receipt statuses that the ballot-server wrote to Redis. No entry means no decision yet: {@code pending}.
 * The gateway writes nothing here; it only tells voters what was decided.
 */
final class ReceiptStore {
  private final RedisLink redis;

  ReceiptStore(RedisLink redis) {
    this.redis = redis;
  }

  Future<ReceiptStatus> status(String receipt) {
    return redis.send(Request.cmd(Command.GET).arg(ReceiptStatus.redisKey(receipt)))
        .map(value -> value == null
            ? ReceiptStatus.pending(receipt)
            : ReceiptStatus.fromJson(new JsonObject(value.toString())));
  }
}
