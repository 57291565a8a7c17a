package io.votegate.platform;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * What every Votegate HTTP service shares: JSON and problem+json responses, the one place errors are mapped by
 * category, a bounded body handler, and the health and metrics routes.
 */
public final class Http {
  private static final Logger LOG = LoggerFactory.getLogger(Http.class);
  public static final String JSON = "application/json; charset=utf-8";
  public static final String PROBLEM_JSON = "application/problem+json; charset=utf-8";
  public static final int MAX_BODY_BYTES = 16 * 1024;

  private Http() {}

  /**
   * Options for every Votegate HTTP server. None speaks WebSocket, so none takes Vert.x's default WebSocket
   * compression, whose extension handler sat in every connection's pipeline and looked at every request and
   * response for a WebSocket handshake that never comes.
   */
  public static HttpServerOptions serverOptions() {
    return new HttpServerOptions().setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    json(ctx, status, body.encode());
  }

  /** A body already encoded as JSON. */
  public static void json(RoutingContext ctx, int status, String encoded) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(encoded);
  }

  public static void problem(RoutingContext ctx, Problem problem) {
    var response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (problem.retryAfterSeconds() != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(problem.retryAfterSeconds()));
    }
    response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
        .end(problem.toJson().encode());
  }

  /**
   * Refuses bodies over 16 KiB from Content-Length before reading them, and stops reading a chunked one past it. A body
   * with a Content-Length is read into a buffer of that size (at most the limit): by default Vert.x starts every body
   * at 1 KiB, the largest allocation of each ballot, five times its size.
   */
  public static BodyHandler boundedBody() {
    return BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false)
        .setPreallocateBodyBuffer(true);
  }

  /**
   * Maps every failure in one place: a {@link Problem} is the client's; the status codes the router raises itself
   * (404, 405, 413, 415) become their problem codes; anything else is ours, logged once, and a 500.
   */
  public static void installErrorMapping(Router router) {
    router.route().failureHandler(ctx -> problem(ctx, toProblem(ctx, ctx.statusCode())));
    for (int status : new int[] {404, 405, 413, 415}) {
      router.errorHandler(status, ctx -> problem(ctx, toProblem(ctx, status)));
    }
  }

  private static Problem toProblem(RoutingContext ctx, int status) {
    var failure = ctx.failure();
    if (failure instanceof Problem problem) {
      return problem;
    }
    return switch (status) {
      case 413 -> Problem.of(413, "too_large", "Request too large", "Request bodies are limited to 16 KiB.");
      case 415 -> Problem.of(415, "unsupported_media_type", "Unsupported media type", "Send application/json.");
      case 405 -> Problem.of(405, "method_not_allowed", "Method not allowed",
          ctx.request().method() + " is not allowed on " + ctx.normalizedPath());
      case 404 -> Problem.of(404, "not_found", "Not found", "No resource at " + ctx.normalizedPath());
      case 400 -> Problem.malformed("body", "unreadable request");
      default -> {
        LOG.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
        yield Problem.of(500, "internal", "Internal error", "Something went wrong on our side; it has been logged.");
      }
    };
  }

  /** A route for GET and for HEAD: whatever can be read can be asked about without its body. */
  public static Route get(Router router, String path) {
    return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
  }

  /** {@code /health/live} says the process is up; {@code /health/ready} asks the service's dependencies. */
  public static void healthRoutes(Router router, Supplier<Future<?>> readiness) {
    get(router, "/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    get(router, "/health/ready").handler(ctx -> readiness.get()
        .onSuccess(ok -> json(ctx, 200, new JsonObject().put("status", "ready")))
        .onFailure(e -> json(ctx, 503, new JsonObject().put("status", "not_ready").put("reason", String.valueOf(e.getMessage())))));
  }

  public static void metricsRoute(Router router, Metrics metrics) {
    get(router, "/metrics").handler(metricsHandler(metrics));
  }

  private static Handler<RoutingContext> metricsHandler(Metrics metrics) {
    return ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.registry().scrape());
  }
}
