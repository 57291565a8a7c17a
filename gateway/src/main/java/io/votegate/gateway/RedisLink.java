package io.votegate.gateway;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * One event loop's connection to Redis, which pipelines every command sent on it. A pooled client holds a connection
 * for each command's round trip, so under load commands queue for the pool (and past its waiting limit fail) while
 * Redis itself idles. The connection opens on first use, on the loop that uses it, and again after it is lost.
 */
final class RedisLink {
  private final Redis redis;
  private Future<RedisConnection> connection;

  RedisLink(Redis redis) {
    this.redis = redis;
  }

  Future<Response> send(Request request) {
    return connection().compose(conn -> conn.send(request));
  }

  /** Readiness asks through the pool, so that a probe never waits behind this loop's pipeline. */
  Future<?> ping() {
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
