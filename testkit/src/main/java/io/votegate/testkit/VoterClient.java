package io.votegate.testkit;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What tests do over HTTP, as voters and newsrooms would: plain requests, signing in and voting, waiting for a
 * receipt's decision, and following an SSE stream event by event.
 */
public final class VoterClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  /** {@code base} is the service's root URL; paths given to the methods below are relative to it. */
  public VoterClient(String base) {
    this.base = base;
  }

  public HttpResponse<String> send(String method, String path, String token, String contentType, String body)
      throws Exception {
    return send(method, path, token, contentType, body, null, null);
  }

  public HttpResponse<String> send(String method, String path, String token, String contentType, String body,
                                   String header, String value) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (header != null) {
      request.header(header, value);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null, null);
  }

  /** A Prometheus metric of this service's {@code /metrics}: the sum of its series, 0 if it has none. */
  public double metric(String name) throws Exception {
    return get("/metrics").body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  public JsonObject getJson(String path) throws Exception {
    return new JsonObject(expect(200, get(path)).body());
  }

  public HttpResponse<String> postJson(String path, String token, String body) throws Exception {
    return send("POST", path, token, "application/json", body);
  }

  /** Signs in with a voter card; returns the session (token, ballot, ...). */
  public JsonObject signIn(String voterId, String code) throws Exception {
    var response = postJson("/api/v1/sessions", null,
        new JsonObject().put("voterId", voterId).put("code", code).encode());
    return new JsonObject(expect(201, response).body());
  }

  /** Submits a ballot with a session token; returns its receipt. */
  public String submit(String token, String ballot) throws Exception {
    return new JsonObject(expect(202, postJson("/api/v1/ballots", token, ballot)).body()).getString("receipt");
  }

  public String vote(String voterId, String code, String ballot) throws Exception {
    return submit(signIn(voterId, code).getString("token"), ballot);
  }

  /** Polls a receipt until it is decided; returns the last status seen, pending if the wait ran out. */
  public JsonObject awaitDecision(String receipt, Duration wait) throws Exception {
    var deadline = System.nanoTime() + wait.toNanos();
    JsonObject status;
    do {
      status = getJson("/api/v1/receipts/" + receipt);
      if (!"pending".equals(status.getString("status"))) {
        return status;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return status;
  }

  /** Follows an SSE stream; each event arrives as {name, data}. A header may be given, e.g. Last-Event-ID. */
  public BlockingQueue<String[]> events(String path, String header, String value) {
    var queue = new LinkedBlockingQueue<String[]>();
    var request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream");
    if (header != null) {
      request.header(header, value);
    }
    http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
      var event = new String[2];
      try (Stream<String> lines = response.body()) {
        lines.forEach(line -> {
          if (line.startsWith("event: ")) {
            event[0] = line.substring(7);
          } else if (line.startsWith("data: ")) {
            event[1] = line.substring(6);
          } else if (line.isEmpty() && event[0] != null) {
            queue.add(new String[] {event[0], event[1]});
            event[0] = null;
          }
        });
      }
    });
    return queue;
  }

  /** The next event, which must be named {@code name}, within a minute. */
  public static JsonObject next(BlockingQueue<String[]> events, String name) throws InterruptedException {
    var event = events.poll(60, TimeUnit.SECONDS);
    if (event == null) {
      throw new AssertionError("no '" + name + "' event within 60 s");
    }
    if (!name.equals(event[0])) {
      throw new AssertionError("expected a '" + name + "' event, got '" + event[0] + "': " + event[1]);
    }
    return new JsonObject(event[1]);
  }

  private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
    if (response.statusCode() != status) {
      throw new AssertionError("expected " + status + " from " + response.uri() + ", got " + response.statusCode()
          + ": " + response.body());
    }
    return response;
  }
}
