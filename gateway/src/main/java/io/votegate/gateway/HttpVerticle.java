package io.votegate.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.votegate.platform.Http;
import io.votegate.platform.Metrics;

/** Serves voters: the web form and the JSON API. One instance per event loop; all share the port. */
public final class HttpVerticle extends VerticleBase {
  private static final String JSON = "application/json";
  private static final String FORM = "application/x-www-form-urlencoded";

  private final GatewayConfig config;
  private final ApiHandlers api;
  private final FormPages form;
  private final Metrics metrics;
  private final BallotPublisher publisher;
  private final ReceiptStore receipts;
  private HttpServer server;

  HttpVerticle(GatewayConfig config, Voting voting, BallotPublisher publisher, Redis redis, Metrics metrics) {
    var receipts = new ReceiptStore(redis); // this loop's own
    this.config = config;
    this.api = new ApiHandlers(voting, receipts);
    this.form = new FormPages(voting, receipts);
    this.metrics = metrics;
    this.publisher = publisher;
    this.receipts = receipts;
  }

  @Override
  public Future<?> start() {
    var router = Router.router(vertx);
    router.get("/").handler(form::getSignIn);
    router.post("/vote").consumes(FORM).handler(Http.boundedBody()).handler(form::postSignIn);
    router.post("/ballot").consumes(FORM).handler(Http.boundedBody()).handler(form::postBallot);
    router.get("/receipt/:receipt").handler(form::getReceipt);

    router.get("/api/v1/election").handler(api::getElection);
    router.post("/api/v1/sessions").consumes(JSON).handler(Http.boundedBody()).handler(api::postSession);
    router.post("/api/v1/ballots").consumes(JSON).handler(Http.boundedBody()).handler(api::postBallot);
    router.get("/api/v1/receipts/:receipt").handler(api::getReceipt);
    router.get("/api/v1/receipts/:receipt/events").handler(api::streamReceipt);

    Http.healthRoutes(router, () -> Future.all(publisher.ready(), receipts.ready()));
    Http.metricsRoute(router, metrics);
    Http.installErrorMapping(router);

    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(config.httpPort())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    // Stop accepting, let requests in flight (a ballot waiting for Kafka's ack) finish.
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
