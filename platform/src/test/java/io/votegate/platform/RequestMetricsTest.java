package io.votegate.platform;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A real Vert.x server wired as every service is: its requests counted by route pattern, method and status. */
class RequestMetricsTest {
  private static Metrics metrics;
  private static Vertx vertx;
  private static int port;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    metrics = Metrics.create();
    vertx = metrics.vertx();
    var router = Router.router(vertx);
    Http.get(router, "/things/:id").handler(ctx -> {
      if (ctx.pathParam("id").equals("missing")) {
        throw Problem.of(404, "unknown_thing", "Unknown thing", "No such thing.");
      }
      Http.json(ctx, 200, "{}");
    });
    Http.metricsRoute(router, metrics);
    Http.installErrorMapping(router);
    port = vertx.createHttpServer(Http.serverOptions()).requestHandler(router).listen(0)
        .await(10, TimeUnit.SECONDS).actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void requestsAreCountedAndTimedByRoutePatternMethodAndStatus() throws Exception {
    for (var id : new String[] {"1", "2", "3"}) {
      assertEquals(200, send("GET", "/things/" + id));
    }
    assertEquals(200, send("HEAD", "/things/4"));
    assertEquals(404, send("GET", "/things/missing"));
    assertEquals(404, send("GET", "/nowhere"));
    assertEquals(405, send("DELETE", "/things/1"));
    assertEquals(405, send("BREW", "/things/1"));
    assertEquals(405, send("BREW2", "/things/1"));

    var scrape = scrape();
    assertCount(scrape, "vertx_http_server_requests_total{code=\"200\",method=\"GET\",route=\"/things/:id\"}", 3);
    assertCount(scrape, "vertx_http_server_requests_total{code=\"200\",method=\"HEAD\",route=\"/things/:id\"}", 1);
    // A request its handler refused keeps the route it matched; one that matched none has an empty route.
    assertCount(scrape, "vertx_http_server_requests_total{code=\"404\",method=\"GET\",route=\"/things/:id\"}", 1);
    assertCount(scrape, "vertx_http_server_requests_total{code=\"404\",method=\"GET\",route=\"\"}", 1);
    assertCount(scrape, "vertx_http_server_requests_total{code=\"405\",method=\"DELETE\",route=\"\"}", 1);
    // Methods nobody defined are one series, however many a client makes up.
    assertCount(scrape, "vertx_http_server_requests_total{code=\"405\",method=\"OTHER\",route=\"\"}", 2);
    assertFalse(scrape.contains("BREW"), scrape);
    assertCount(scrape,
        "vertx_http_server_response_time_seconds_count{code=\"200\",method=\"GET\",route=\"/things/:id\"}", 3);
    // Connections are still Vert.x Micrometer's own.
    assertTrue(scrape.contains("vertx_http_server_active_connections"), scrape);
  }

  private static int send(String method, String path) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String scrape() throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void assertCount(String scrape, String series, double expected) {
    var line = scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no " + series + " in\n" + scrape));
    assertEquals(expected, Double.parseDouble(line.substring(series.length() + 1)), line);
  }
}
