package io.votegate.ballots;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.votegate.platform.Http;
import io.votegate.platform.Metrics;

import java.util.function.Supplier;

/** The ballot-server's operator surface: liveness, readiness and metrics. It takes no ballots over HTTP. */
final class HttpVerticle extends VerticleBase {
  private final int port;
  private final Metrics metrics;
  private final Supplier<Future<?>> readiness;
  private HttpServer server;

  HttpVerticle(int port, Metrics metrics, Supplier<Future<?>> readiness) {
    this.port = port;
    this.metrics = metrics;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    var router = Router.router(vertx);
    Http.healthRoutes(router, readiness);
    Http.metricsRoute(router, metrics);
    Http.installErrorMapping(router);
    return vertx.createHttpServer(Http.serverOptions()).requestHandler(router).listen(port).onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown();
  }
}
