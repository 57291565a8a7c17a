package io.votegate.ballots;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.PoolOptions;
import io.votegate.model.DayControls;
import io.votegate.platform.ControlFeed;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.stream.Stream;

/**
 * The ballot-server: consumes {@code ballots}, enforces one vote per voter in PostgreSQL (the source of truth), and
 * emits each accepted or rejected decision exactly once to {@code ballots.accepted} / {@code ballots.rejected}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    var config = BallotServerConfig.fromEnv(System.getenv());
    var metrics = Metrics.create();
    var vertx = metrics.vertx();
    Service.runAsProcess("ballot-server", vertx, () -> start(vertx, metrics, config));
  }

  /** Migrates and loads the roll (on a worker), then starts the decision loop on its own thread and the HTTP port. */
  public static Future<Service> start(Vertx vertx, Metrics metrics, BallotServerConfig config) {
    var pool = PgBuilder.pool()
        // A batch's statements run at once, one on each connection (Decider.parts). Not pipelined: the pool gives a
        // statement a connection with room for it, so with pipelining both would queue on one connection.
        .with(new PoolOptions().setMaxSize(Decider.CONNECTIONS))
        .connectingTo(new PgConnectOptions().setHost(config.pgHost()).setPort(config.pgPort())
            .setDatabase(config.pgDatabase()).setUser(config.pgUser()).setPassword(config.pgPassword())
            .setPipeliningLimit(1))
        .using(vertx)
        .build();
    var redis = Redis.createClient(vertx, ReceiptPublisher.options(config.redisUri(), config.batchSize()));
    var controls = new DayControls(); // the windows in force, as the operators' commands change them
    var decider = new Decider(pool, config.election(), controls);
    var receipts = new ReceiptPublisher(redis);
    var loop = new DecisionLoop(config, decider, receipts, metrics.registry(), controls);
    ControlFeed.enabled(config.operatorKey(), "ballot-server"); // read before each batch, by the loop
    var thread = new Thread(loop, "ballot-server-decisions");

    return vertx.executeBlocking(() -> {
          RollLoader.migrate(config);
          return config.loadRoll() ? RollLoader.loadIfEmpty(config) : 0L;
        })
        .onSuccess(voters -> LoggerFactory.getLogger(Main.class).info("roll of {}: {} voters", config.election().id(), voters))
        .compose(voters -> {
          thread.start();
          return vertx.deployVerticle(new HttpVerticle(config.httpPort(), metrics,
              () -> readiness(decider, receipts, loop)));
        })
        .map(http -> (Service) () -> vertx.undeploy(http)
            .eventually(() -> vertx.executeBlocking(() -> {
              loop.stop();
              thread.join(30_000);
              return null;
            }))
            .eventually(pool::close)
            .eventually(redis::close));
  }

  /** Ready when PostgreSQL and Redis answer and batches commit; otherwise every reason at once. */
  private static Future<?> readiness(Decider decider, ReceiptPublisher receipts, DecisionLoop loop) {
    var postgres = decider.ready().<String>map(ok -> null).otherwise(e -> "PostgreSQL unreachable: " + e.getMessage());
    var redis = receipts.ready().<String>map(ok -> null).otherwise(e -> "Redis unreachable: " + e.getMessage());
    return Future.all(postgres, redis).compose(checked -> {
      var problems = Stream.concat(Stream.of(postgres.result(), redis.result()), loop.problem().stream())
          .filter(Objects::nonNull).toList();
      return problems.isEmpty() ? Future.succeededFuture() : Future.failedFuture(String.join("; ", problems));
    });
  }
}
