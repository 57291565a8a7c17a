package io.votegate.gateway;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.votegate.model.DayControls;
import io.votegate.platform.ControlFeed;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;

import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway: voters sign in with their card, get their state's ballot, submit it to Kafka topic {@code ballots}
 * (keyed by state) and follow their receipt, whose status comes from Redis. It never touches PostgreSQL.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    var config = GatewayConfig.fromEnv(System.getenv());
    var metrics = Metrics.create();
    var vertx = metrics.vertx();
    Service.runAsProcess("gateway", vertx, () -> start(vertx, metrics, config));
  }

  /**
   * Creates the process's shared clients once, fetches the ballots topic's metadata (on a worker), then deploys the
   * receipt feed and one HTTP verticle per loop.
   */
  public static Future<Service> start(Vertx vertx, Metrics metrics, GatewayConfig config) {
    var publisher = new BallotPublisher(vertx, config, metrics.registry());
    var redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redisUri())
        .setMaxPoolSize(32).setMaxPoolWaiting(1024));
    var limited = new ConcurrentHashMap<String, Long>(); // rate-limited keys, known to every loop (see RateLimits)
    var watchers = new ReceiptWatchers(); // the receipts whose streams are open here, known to the feed
    Gauge.builder("votegate.gateway.receipts.watched", watchers, ReceiptWatchers::size)
        .description("Receipts with an open event stream on this gateway").register(metrics.registry());
    var controls = new DayControls(); // the windows in force, as the operators' commands change them
    var feed = ControlFeed.background(config.kafkaBootstrap(), config.operatorKey(), "gateway", controls::apply);
    return vertx.executeBlocking(() -> {
          if (!publisher.warmUp(Duration.ofSeconds(10))) {
            LoggerFactory.getLogger(Main.class).warn("Kafka at {} does not answer yet: ballots get 503 until it does",
                config.kafkaBootstrap());
          }
          return null;
        })
        .compose(warm -> vertx.deployVerticle(new ReceiptFeedVerticle(config.redisUri(), watchers)))
        .compose(receipts -> vertx.deployVerticle(() -> new HttpVerticle(config, publisher, redis, limited, watchers,
                    metrics, controls), new DeploymentOptions().setInstances(config.instances()))
            .map(http -> (Service) () -> vertx.undeploy(http)
                .eventually(() -> vertx.undeploy(receipts))
                .eventually(() -> {
                  if (feed != null) {
                    feed.stop();
                  }
                  return Future.succeededFuture();
                })
                .eventually(publisher::close)
                .eventually(redis::close)));
  }
}
