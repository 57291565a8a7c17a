package io.votegate.tally;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.votegate.model.DayControls;
import io.votegate.platform.ControlFeed;
import io.votegate.platform.Http;
import io.votegate.platform.Metrics;
import io.votegate.platform.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Counts the accepted ballots ({@link AcceptedBallotsFeed}) and serves the counts: snapshot JSON, the SSE stream and
 * the results page. Counters and streams live on this verticle's event loop, so they need no locks.
 */
public final class TallyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TallyVerticle.class);
  private final TallyConfig config;
  private final Metrics metrics;
  private final Clock clock = Clock.systemUTC();
  private Counts counts;
  private ResultsStream stream;
  private AcceptedBallotsFeed feed;
  private Thread feedThread;
  private Checkpoints checkpoints;
  private ControlFeed controlFeed;
  private boolean saving;
  private boolean replaying;
  private long checkpointed = -1;
  private Instant lastCheckpoint = Instant.now();
  private HttpServer server;

  TallyVerticle(TallyConfig config, Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    var controls = new DayControls();
    counts = new Counts(config.election(), controls);
    controlFeed = ControlFeed.background(config.kafkaBootstrap(), config.operatorKey(), "tally", controls::apply);
    checkpoints = new Checkpoints(config.kafkaBootstrap(), config.instanceId());
    var applied = Counter.builder("votegate.tally.counts.applied").description("Accepted ballots counted")
        .register(metrics.registry());
    var freshness = Timer.builder("votegate.tally.freshness")
        .description("From a ballot's decision (its record on ballots.accepted) to its being counted here")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(1)).register(metrics.registry());
    feed = new AcceptedBallotsFeed(config.kafkaBootstrap(), context, counts, checkpoints, config.restore(),
        applied, freshness);
    stream = new ResultsStream(vertx, counts, config, clock, feed, metrics.registry());
    Gauge.builder("votegate.tally.sequence", () -> counts.sequence()).register(metrics.registry());
    Gauge.builder("votegate.tally.stream.clients", () -> stream.clients()).register(metrics.registry());
    Gauge.builder("votegate.tally.catching_up", () -> feed.caughtUp() ? 0 : 1)
        .description("1 until the counts include every ballot there was when the tally started").register(metrics.registry());
    Gauge.builder("votegate.tally.checkpoint.age", () -> Duration.between(lastCheckpoint, clock.instant()).toSeconds())
        .description("Seconds since the last checkpoint was stored").baseUnit("seconds").register(metrics.registry());

    var router = Router.router(vertx);
    router.get("/results").handler(this::getPage);
    router.get("/api/v1/results").handler(this::getSnapshot);
    router.get("/api/v1/results/stream").handler(this::getStream);
    Http.healthRoutes(router, this::ready);
    Http.metricsRoute(router, metrics);
    Http.installErrorMapping(router);

    feedThread = new Thread(feed, "tally-accepted-ballots");
    feedThread.start();
    vertx.setPeriodic(config.checkpointInterval().toMillis(), id -> checkpoint());
    // gzip for whoever asks (newsrooms' feeds do): the snapshot and the page. The stream says identity, see there.
    return vertx.createHttpServer(Http.serverOptions().setCompressionSupported(true)).requestHandler(router)
        .listen(config.httpPort())
        .onSuccess(s -> server = s);
  }

  /** Ready once the counts are live: a tally still catching up would serve partial counts as if they were final. */
  private Future<?> ready() {
    if (!feed.healthy()) {
      return Future.failedFuture("the accepted-ballots feed has stalled");
    }
    return feed.caughtUp() ? Future.succeededFuture() : Future.failedFuture(catchingUp());
  }

  private String catchingUp() {
    long behind = feed.behind();
    return "catching up: " + (behind < 0 ? "reading the latest checkpoint" : String.format("%,d", behind)
        + " accepted ballots to read") + " before the counts are live";
  }

  /**
   * Stores the counts with the offsets they reflect, if they changed; off the loop. Counts and offsets are taken
   * together on the loop, where both change together, so the checkpoint is a state the tally really was in.
   */
  private void checkpoint() {
    if (saving || feed.start() == null || counts.sequence() == checkpointed) {
      return;
    }
    saving = true;
    var state = counts.toCheckpoint();
    var offsets = feed.appliedOffsets();
    long sequence = counts.sequence();
    vertx.executeBlocking(() -> checkpoints.save(state, offsets).get(30, TimeUnit.SECONDS), false)
        .onComplete(done -> {
          saving = false;
          if (done.succeeded()) {
            checkpointed = sequence;
            lastCheckpoint = clock.instant();
          } else {
            LOG.warn("storing a checkpoint at sequence {} failed: {}", sequence, done.cause().toString());
          }
        });
  }

  private void getSnapshot(RoutingContext ctx) {
    var view = View.parse(ctx.queryParams(), config.election());
    if (view.asOf() != null) {
      getSnapshotAsOf(ctx, view); // a replay of its own: it need not wait for the live counts
      return;
    }
    if (!feed.caughtUp()) {
      throw Problem.unavailable("The tally is " + catchingUp() + "; these counts would be partial.", 2);
    }
    var etag = "\"" + counts.sequence() + "\"";
    ctx.response().putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    respond(ctx, view, counts.snapshot(view, clock.instant()));
  }

  /** The results at an instant, from a replay on a worker; one replay at a time, for the live counts come first. */
  private void getSnapshotAsOf(RoutingContext ctx, View view) {
    if (replaying) {
      throw Problem.unavailable("Another point-in-time replay is running; try again shortly.", 5);
    }
    replaying = true;
    vertx.executeBlocking(() -> PointInTime.snapshot(config.kafkaBootstrap(), config.election(), view.asOf(), view), false)
        .onComplete(done -> replaying = false)
        .onSuccess(snapshot -> respond(ctx, view, snapshot))
        .onFailure(ctx::fail);
  }

  private void respond(RoutingContext ctx, View view, io.vertx.core.json.JsonObject snapshot) {
    if (view.format() == View.Format.CSV) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8").end(ResultsCsv.of(snapshot));
    } else {
      Http.json(ctx, 200, snapshot);
    }
  }

  private void getStream(RoutingContext ctx) {
    var view = View.parse(ctx.queryParams(), config.election());
    if (view.format() != View.Format.JSON) {
      throw Problem.malformed("format", "the stream is JSON events; CSV is for the snapshot");
    }
    if (view.asOf() != null) {
      throw Problem.malformed("asOf", "the stream is live; a point in time is for the snapshot");
    }
    var lastEventId = ctx.request().getHeader("Last-Event-ID");
    var since = lastEventId != null ? lastEventId : ctx.queryParams().get("since");
    Long resumeFrom = null;
    if (since != null) {
      if (!since.trim().matches("\\d{1,18}")) {
        throw Problem.malformed("Last-Event-ID", "must be a sequence number");
      }
      resumeFrom = Long.parseLong(since.trim());
    }
    stream.open(ctx.response(), view, resumeFrom);
  }

  private void getPage(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .end(ResultsPage.html(config.election()));
  }

  @Override
  public Future<?> stop() {
    stream.closeAll();
    feed.stop();
    if (controlFeed != null) {
      controlFeed.stop();
    }
    return (server == null ? Future.succeededFuture() : server.shutdown())
        .eventually(() -> vertx.executeBlocking(() -> {
          feedThread.join(10_000);
          return null;
        }))
        // A last checkpoint, so that a graceful restart reads nothing again.
        .eventually(() -> feed.start() == null || counts.sequence() == checkpointed ? Future.succeededFuture()
            : vertx.executeBlocking(() -> checkpoints.save(counts.toCheckpoint(), feed.appliedOffsets())
                .get(10, TimeUnit.SECONDS)))
        .eventually(() -> vertx.executeBlocking(() -> {
          checkpoints.close();
          return null;
        }));
  }
}
