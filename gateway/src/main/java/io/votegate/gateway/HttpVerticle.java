package io.votegate.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.redis.client.Redis;
import io.votegate.platform.Http;
import io.votegate.platform.Metrics;

import java.time.Clock;
import java.util.concurrent.ConcurrentMap;

/** Serves voters: the web form and the JSON API. One instance per event loop; all share the port. */
public final class HttpVerticle extends VerticleBase {
  private static final String JSON = "application/json";
  private static final String FORM = "application/x-www-form-urlencoded";

  private final GatewayConfig config;
  private final ApiHandlers api;
  private final FormPages form;
  private final Metrics metrics;
  private final BallotPublisher publisher;
  private final RedisLink redis;
  private HttpServer server;

  HttpVerticle(GatewayConfig config, BallotPublisher publisher, Redis redis, ConcurrentMap<String, Long> limited,
               ReceiptWatchers watchers, Metrics metrics, io.votegate.model.DayControls controls) {
    var link = new RedisLink(redis); // this loop's own
    var receipts = new ReceiptStore(link);
    var limits = new RateLimits(link, limited, config.limits(), metrics.registry(), Clock.systemUTC());
    var voting = new Voting(config, publisher, limits, metrics.registry(), Clock.systemUTC(), controls);
    var clients = new ClientAddresses(config.trustedProxies());
    this.config = config;
    this.api = new ApiHandlers(voting, receipts, clients, watchers);
    this.form = new FormPages(voting, receipts, clients);
    this.metrics = metrics;
    this.publisher = publisher;
    this.redis = link;
  }

  @Override
  public Future<?> start() {
    var router = Router.router(vertx);
    router.route().handler(HttpVerticle::privateByDefault);

    // The API first: the router tries routes in order, and the patterns below (a receipt, the assets) were matched
    // as regular expressions against every ballot's path before it reached its own route.
    router.post("/api/v1/ballots").consumes(JSON).handler(Http.boundedBody()).handler(api::postBallot);
    router.post("/api/v1/sessions").consumes(JSON).handler(Http.boundedBody()).handler(api::postSession);
    Http.get(router, "/api/v1/election").handler(api::getElection);
    Http.get(router, "/api/v1/receipts/:receipt").handler(api::getReceipt);
    Http.get(router, "/api/v1/receipts/:receipt/events").handler(api::streamReceipt);

    Http.get(router, "/").handler(form::getSignIn);
    router.post("/vote").consumes(FORM).handler(Http.boundedBody()).handler(form::postSignIn);
    router.post("/ballot").consumes(FORM).handler(Http.boundedBody()).handler(form::postBallot);
    router.post("/ballot/language").consumes(FORM).handler(Http.boundedBody()).handler(form::postBallotLanguage);
    Http.get(router, "/receipt").handler(form::getCheck);
    Http.get(router, "/receipt/:receipt").handler(form::getReceipt);
    Http.get(router, "/assets/*").handler(HttpVerticle::shared).handler(StaticHandler.create("assets"));

    Http.healthRoutes(router, () -> Future.all(publisher.ready(), redis.ping()));
    Http.metricsRoute(router, metrics);
    Http.installErrorMapping(router);

    return vertx.createHttpServer(Http.serverOptions())
        .requestHandler(router)
        .listen(config.httpPort())
        .onSuccess(s -> server = s);
  }

  /** Pages may load scripts, styles and streams from here and nothing else: nothing inline, no other origin. */
  private static final CharSequence STRICT_CSP = HttpHeaders.createOptimized(String.join("; ",
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
      "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"));

  private static final CharSequence CONTENT_SECURITY_POLICY = HttpHeaders.createOptimized("Content-Security-Policy");
  private static final CharSequence X_FRAME_OPTIONS = HttpHeaders.createOptimized("X-Frame-Options");
  private static final CharSequence X_CONTENT_TYPE_OPTIONS = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence REFERRER_POLICY = HttpHeaders.createOptimized("Referrer-Policy");
  private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");

  /**
   * Nothing the gateway answers may be framed, run what it did not serve, be cached or sniffed, or leak its URL (a
   * receipt's) to another site: tokens and receipts are in its responses. The few public, shared answers (the
   * election, the assets) say otherwise themselves. Every header is fixed, so each is made once, name and value
   * pre-encoded, and set in one handler: Vert.x Web's CSP handler rebuilt its policy string for every request, and
   * with its frame handler and this one took 2 % of the event loops' samples at 12,000 ballots/s.
   */
  private static void privateByDefault(RoutingContext ctx) {
    ctx.response().headers()
        .set(CONTENT_SECURITY_POLICY, STRICT_CSP)
        .set(X_FRAME_OPTIONS, DENY)
        .set(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .set(X_CONTENT_TYPE_OPTIONS, NOSNIFF)
        .set(REFERRER_POLICY, NO_REFERRER);
    ctx.next();
  }

  /** The same for every voter, so caches may keep it for an hour. */
  private static void shared(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=3600");
    ctx.next();
  }

  @Override
  public Future<?> stop() {
    // Stop accepting, let requests in flight (a ballot waiting for Kafka's ack) finish.
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
