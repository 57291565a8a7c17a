package io.votegate.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.votegate.model.ReceiptStatus;

/**
 * Reads receipt statuses that the ballot-server wrote to Redis. No entry means no decision yet: {@code pending}.
 * The gateway writes nothing here; it only tells voters what was decided.
 *
 * <p>One per event loop, each with one connection that pipelines every read: a pooled client holds a connection
 * for each read's round trip, so under load reads queue for the pool (and past its waiting limit fail) while Redis
 * itself idles. The connection opens on first use, on the loop that uses it, and again after it is lost.
 */
public final class ReceiptStore {
  private final Redis redis;
  private Future<RedisConnection> connection;

  public ReceiptStore(Redis redis) {
    this.redis = redis;
  }

  public Future<ReceiptStatus> status(String receipt) {
    return connection()
        .compose(conn -> conn.send(Request.cmd(Command.GET).arg(ReceiptStatus.redisKey(receipt))))
        .map(value -> value == null
            ? ReceiptStatus.pending(receipt)
            : ReceiptStatus.fromJson(new JsonObject(value.toString())));
  }

  public Future<?> ready() {
    return redis.send(Request.cmd(Command.PING));
  }

  private Future<RedisConnection> connection() {
    if (connection == null) {
      var opening = redis.connect();
      connection = opening;
      opening.onSuccess(conn -> {
        conn.exceptionHandler(e -> forget(opening));
        conn.endHandler(v -> forget(opening));
      }).onFailure(e -> forget(opening));
    }
    return connection;
  }

  private void forget(Future<RedisConnection> lost) {
    if (connection == lost) {
      connection = null;
      lost.onSuccess(RedisConnection::close);
    }
  }
}
