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
import io.votegate.platform.Http;
import io.votegate.platform.Metrics;
import io.votegate.platform.Problem;

import java.time.Clock;
import java.time.Duration;

/**
 * Counts the accepted ballots ({@link AcceptedBallotsFeed}) and serves the counts: snapshot JSON, the SSE stream and
 * the results page. Counters and streams live on this verticle's event loop, so they need no locks.
 */
public final class TallyVerticle extends VerticleBase {
  private final TallyConfig config;
  private final Metrics metrics;
  private final Clock clock = Clock.systemUTC();
  private Counts counts;
  private ResultsStream stream;
  private AcceptedBallotsFeed feed;
  private Thread feedThread;
  private HttpServer server;

  TallyVerticle(TallyConfig config, Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    counts = new Counts(config.election());
    stream = new ResultsStream(vertx, counts, config, clock);
    var applied = Counter.builder("votegate.tally.counts.applied").description("Accepted ballots counted")
        .register(metrics.registry());
    Gauge.builder("votegate.tally.sequence", () -> counts.sequence()).register(metrics.registry());
    Gauge.builder("votegate.tally.stream.clients", () -> stream.clients()).register(metrics.registry());
    var freshness = Timer.builder("votegate.tally.freshness")
        .description("From a ballot's decision (its record on ballots.accepted) to its being counted here")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(1)).register(metrics.registry());

    var router = Router.router(vertx);
    router.get("/results").handler(this::getPage);
    router.get("/api/v1/results").handler(this::getSnapshot);
    router.get("/api/v1/results/stream").handler(this::getStream);
    Http.healthRoutes(router, () -> feed.healthy() ? Future.succeededFuture() : Future.failedFuture("feed stalled"));
    Http.metricsRoute(router, metrics);
    Http.installErrorMapping(router);

    feed = new AcceptedBallotsFeed(config.kafkaBootstrap(), context, batch -> {
      batch.forEach(counts::apply);
      applied.increment(batch.size());
    }, freshness);
    feedThread = new Thread(feed, "tally-accepted-ballots");
    feedThread.start();
    return vertx.createHttpServer().requestHandler(router).listen(config.httpPort())
        .onSuccess(s -> server = s);
  }

  private void getSnapshot(RoutingContext ctx) {
    var view = View.parse(ctx.queryParams(), config.election());
    var etag = "\"" + counts.sequence() + "\"";
    ctx.response().putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    Http.json(ctx, 200, counts.snapshot(view, clock.instant()));
  }

  private void getStream(RoutingContext ctx) {
    var view = View.parse(ctx.queryParams(), config.election());
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
    return (server == null ? Future.succeededFuture() : server.shutdown())
        .eventually(() -> vertx.executeBlocking(() -> {
          feedThread.join(10_000);
          return null;
        }));
  }
}
