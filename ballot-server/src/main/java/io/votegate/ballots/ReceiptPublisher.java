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
 * <p>A whole batch costs one round trip: one pipeline of a SET per status and a PUBLISH per chunk of {@link #CHUNK}
 * statuses. The client's queue of replies it waits for is sized for the largest batch the loop polls
 * ({@link #options}): a pipeline larger than that queue once failed every batch over about a thousand ballots, and
 * the batch was replayed identically, forever. Chunks written one after the other instead cost a batch of 2,000 four
 * round trips, each a wait of its own on a busy machine; a Lua script setting a chunk per call cost Redis a third
 * more CPU per status than plain SETs.
 */
final class ReceiptPublisher {
  /** Statuses per notice. */
  static final int CHUNK = 500;
  private static final long TTL_SECONDS = Duration.ofDays(60).toSeconds();
  private final Redis redis;

  ReceiptPublisher(Redis redis) {
    this.redis = redis;
  }

  /** Client options that let a batch of up to {@code maxBatch} statuses go out as one pipeline. */
  static RedisOptions options(String uri, int maxBatch) {
    return new RedisOptions().setConnectionString(uri).setMaxWaitingHandlers(pipelineLength(maxBatch) + 64);
  }

  /** Commands in the pipeline of a batch of {@code statuses}: a SET each, a PUBLISH a chunk. */
  static int pipelineLength(int statuses) {
    return statuses + (statuses + CHUNK - 1) / CHUNK;
  }

  Future<?> publish(List<ReceiptStatus> statuses) {
    if (statuses.isEmpty()) {
      return Future.succeededFuture();
    }
    var pipeline = new ArrayList<Request>(pipelineLength(statuses.size()));
    var encoded = new ArrayList<String>(CHUNK);
    for (int from = 0; from < statuses.size(); from += CHUNK) {
      encoded.clear();
      for (var status : statuses.subList(from, Math.min(from + CHUNK, statuses.size()))) {
        var json = status.toJson().encode(); // once, for its SET and for the notice
        encoded.add(json);
        pipeline.add(Request.cmd(Command.SET).arg(ReceiptStatus.redisKey(status.receipt()))
            .arg(json).arg("EX").arg(TTL_SECONDS));
      }
      pipeline.add(Request.cmd(Command.PUBLISH).arg(ReceiptStatus.CHANNEL).arg(ReceiptStatus.noticeOf(encoded)));
    }
    return redis.batch(pipeline);
  }

  Future<?> ready() {
    return redis.send(Request.cmd(Command.PING));
  }
}
