package io.votegate.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.EventBusHandler;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.votegate.model.ReceiptStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the ballot-server's receipt decisions, published on a Redis channel a chunk of a batch per message, to the
 * voters' event streams in this process that watch them ({@link ReceiptWatchers}). One subscription per gateway
 * process; it reconnects when Redis goes away.
 */
public final class ReceiptFeedVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiptFeedVerticle.class);
  private static final String PREFIX = "votegate.redis";

  private final String redisUri;
  private final ReceiptWatchers watchers;
  private Redis client;
  private RedisConnection connection;
  private boolean stopping;

  ReceiptFeedVerticle(String redisUri, ReceiptWatchers watchers) {
    this.redisUri = redisUri;
    this.watchers = watchers;
  }

  @Override
  public Future<?> start() {
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUri));
    vertx.eventBus().<JsonObject>localConsumer(PREFIX + "." + ReceiptStatus.CHANNEL, message -> {
      var value = message.body().getJsonObject("value");
      // Every decision passes here, and few have a voter waiting here: with none, the notice is not even parsed.
      if ("message".equals(message.body().getString("type")) && value != null && !watchers.isEmpty()) {
        for (var status : new JsonArray(value.getString("message"))) {
          var json = (JsonObject) status; // goes on as read, not re-made
          watchers.deliver(json.getString("receipt"), json);
        }
      }
    });
    return subscribe();
  }

  private Future<?> subscribe() {
    return client.connect().compose(conn -> {
      connection = conn;
      conn.handler(EventBusHandler.create(vertx, PREFIX));
      conn.exceptionHandler(e -> LOG.warn("receipt feed: Redis connection failed: {}", e.getMessage()));
      conn.endHandler(v -> resubscribeLater());
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(ReceiptStatus.CHANNEL));
    });
  }

  private void resubscribeLater() {
    if (!stopping) {
      vertx.setTimer(1_000, id -> subscribe().onFailure(e -> resubscribeLater()));
    }
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (connection != null) {
      connection.close();
    }
    return client.close();
  }
}
