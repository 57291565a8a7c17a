package io.votegate.ballots;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.votegate.model.ReceiptStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes decided receipt statuses to Redis and publishes them to the gateways' waiting voters. The writes are
 * idempotent (the status is a function of the decision), so a replayed batch writes the same thing again.
 */
final class ReceiptPublisher {
  private static final long TTL_SECONDS = Duration.ofDays(60).toSeconds();
  private final Redis redis;

  ReceiptPublisher(Redis redis) {
    this.redis = redis;
  }

  Future<?> publish(List<ReceiptStatus> statuses) {
    if (statuses.isEmpty()) {
      return Future.succeededFuture();
    }
    var requests = new ArrayList<Request>(statuses.size() * 2);
    for (var status : statuses) {
      var json = status.toJson().encode();
      requests.add(Request.cmd(Command.SET).arg(ReceiptStatus.redisKey(status.receipt())).arg(json)
          .arg("EX").arg(TTL_SECONDS));
      requests.add(Request.cmd(Command.PUBLISH).arg(ReceiptStatus.CHANNEL).arg(json));
    }
    return redis.batch(requests);
  }

  Future<?> ready() {
    return redis.send(Request.cmd(Command.PING));
  }
}
