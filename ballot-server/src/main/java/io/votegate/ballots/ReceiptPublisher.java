package io.votegate.ballots;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.votegate.model.ReceiptStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes decided receipt statuses to Redis and publishes them to the gateways' waiting voters. The writes are
 * idempotent (the status is a function of the decision), so a replayed batch writes the same thing again.
 *
 * <p>Whatever the batch size, Redis sees bounded pipelines: a batch is written in chunks of {@link #CHUNK} statuses,
 * one after the other, each one pipeline of a SET per status and a single PUBLISH of the whole chunk. A pipeline
 * that grew with the batch once overflowed the client's queue of waiting replies, so that every batch over about
 * a thousand ballots failed and was replayed identically, forever.
 */
final class ReceiptPublisher {
  /** Statuses per pipeline: its CHUNK + 1 commands stay well inside {@link #MAX_WAITING_REPLIES}. */
  static final int CHUNK = 500;
  static final int MAX_WAITING_REPLIES = 2_048;
  private static final long TTL_SECONDS = Duration.ofDays(60).toSeconds();
  private final Redis redis;

  ReceiptPublisher(Redis redis) {
    this.redis = redis;
  }

  /** The client options this publisher's pipelines are sized for. */
  static RedisOptions options(String uri) {
    return new RedisOptions().setConnectionString(uri).setMaxWaitingHandlers(MAX_WAITING_REPLIES);
  }

  Future<?> publish(List<ReceiptStatus> statuses) {
    Future<?> written = Future.succeededFuture();
    for (int from = 0; from < statuses.size(); from += CHUNK) {
      var chunk = statuses.subList(from, Math.min(from + CHUNK, statuses.size()));
      written = written.compose(ok -> redis.batch(pipeline(chunk)));
    }
    return written;
  }

  private static List<Request> pipeline(List<ReceiptStatus> chunk) {
    var requests = new ArrayList<Request>(chunk.size() + 1);
    var encoded = new ArrayList<String>(chunk.size());
    for (var status : chunk) {
      var json = status.toJson().encode(); // once, for its SET and for the notice
      encoded.add(json);
      requests.add(Request.cmd(Command.SET).arg(ReceiptStatus.redisKey(status.receipt()))
          .arg(json).arg("EX").arg(TTL_SECONDS));
    }
    requests.add(Request.cmd(Command.PUBLISH).arg(ReceiptStatus.CHANNEL).arg(ReceiptStatus.noticeOf(encoded)));
    return requests;
  }

  Future<?> ready() {
    return redis.send(Request.cmd(Command.PING));
  }
}
