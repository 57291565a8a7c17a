package io.votegate.ballots;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Request;
import io.votegate.model.ReceiptStatus;
import io.votegate.model.RejectedBallot;
import io.votegate.testkit.Infra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** Receipt statuses on a real Redis: every status of a batch of any size set and published, in one round trip. */
class ReceiptPublisherTest {
  /** Far larger than the default queue of replies a Redis client waits for (2,048). */
  private static final int BATCH = 10_007;
  private static Infra infra;
  private static Vertx vertx;
  private static Redis redis;
  private static Redis subscriber;

  @BeforeAll
  static void start() throws Exception {
    infra = new Infra().withRedis();
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, ReceiptPublisher.options(infra.redisUri(), BATCH));
    subscriber = Redis.createClient(vertx, infra.redisUri());
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close();
    subscriber.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    infra.close();
  }

  @Test
  void theLargestBatchIsSetWithItsTtlAndPublishedInChunksInOnePipeline() throws Exception {
    int size = BATCH;
    var at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    var statuses = IntStream.range(0, size).mapToObj(i -> i % 10 == 0
        ? ReceiptStatus.rejected("big-" + i, RejectedBallot.Reason.ALREADY_VOTED, at)
        : ReceiptStatus.counted("big-" + i, at)).toList();
    var notices = new ConcurrentLinkedQueue<String>();
    var connection = subscriber.connect().await(10, TimeUnit.SECONDS);
    connection.handler(message -> {
      if (message.size() == 3 && "message".equals(message.get(0).toString())) {
        notices.add(message.get(2).toString());
      }
    });
    connection.send(Request.cmd(Command.SUBSCRIBE).arg(ReceiptStatus.CHANNEL)).await(10, TimeUnit.SECONDS);

    new ReceiptPublisher(redis).publish(statuses).await(30, TimeUnit.SECONDS);

    var api = RedisAPI.api(redis);
    for (int i : new int[] {0, 1, size / 2, size - 1}) {
      var key = ReceiptStatus.redisKey("big-" + i);
      assertEquals(statuses.get(i), ReceiptStatus.fromJson(new JsonObject(api.get(key).await().toString())));
      long ttl = api.ttl(key).await().toLong();
      assertTrue(ttl > Duration.ofDays(59).toSeconds() && ttl <= Duration.ofDays(60).toSeconds(), "TTL " + ttl);
    }
    assertEquals(size, api.dbsize().await().toLong());

    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int chunks = (size + ReceiptPublisher.CHUNK - 1) / ReceiptPublisher.CHUNK;
    while (notices.size() < chunks && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(chunks, notices.size(), "one notice a chunk");
    var published = new ArrayList<ReceiptStatus>();
    notices.forEach(notice -> new JsonArray(notice).forEach(s -> published.add(ReceiptStatus.fromJson((JsonObject) s))));
    assertEquals(statuses, published, "every status once, in order");
  }

  @Test
  void anEmptyBatchAsksNothingOfRedis() throws Exception {
    assertNull(new ReceiptPublisher(Redis.createClient(vertx, "redis://127.0.0.1:1")).publish(List.of())
        .await(10, TimeUnit.SECONDS));
  }
}
