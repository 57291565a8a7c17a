package io.votegate.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Non-blocking HTTP to a gateway and a tally, as voters and newsrooms use them: keep-alive connection pools per
 * load generator, every call a future of the whole reply. The load generator is never the bottleneck it measures.
 */
public final class VotegateHttp {
  private static final long TIMEOUT_MS = 30_000;

  /** A whole reply: status, body and the Retry-After a 429 or 503 carries (seconds; 1 if it carries none). */
  record Reply(int status, Buffer body, int retryAfterSeconds) {
    JsonObject json() {
      return new JsonObject(body);
    }

    @Override
    public String toString() {
      var text = body.toString();
      return status + " " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
  }

  /** An open event stream; closing it drops the connection. */
  interface Stream {
    void close();
  }

  private final Vertx vertx;
  private final io.vertx.core.Context context;
  private long addresses;
  /**
   * Pools of {@link #POOL_SIZE} connections, taken in turn: a pool finds a free connection by scanning its own, so one
   * pool of a thousand made that scan the load generator's largest cost (8 % of all CPU samples at 12,000 ballots/s).
   */
  private final List<HttpClientAgent> clients = new java.util.ArrayList<>();
  private static final int POOL_SIZE = 64;
  private int nextClient;
  private HttpClientAgent streams;

  /**
   * A client used from one context only: a call from any other thread (a command's main thread waiting on a
   * result, say) is handed to that context. Calls from foreign threads on the shared pool were seen to wait forever
   * for a connection after a heavy load.
   */
  VotegateHttp(io.vertx.core.Context context, int connections) {
    this.context = context;
    this.vertx = context.owner();
    // A connection the server drops fails its request, which the caller retries or counts: not an error to log.
    for (int left = connections; left > 0; left -= POOL_SIZE) {
      clients.add(vertx.httpClientBuilder()
          .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setMaxInitialLineLength(8192))
          .with(new PoolOptions().setHttp1MaxSize(Math.min(left, POOL_SIZE)).setMaxWaitQueueSize(-1))
          .withConnectHandler(connection -> connection.exceptionHandler(e -> { }))
          .build());
    }
  }

  /**
   * Follows a Server-Sent Events stream on a connection of its own: each event arrives as (name, data). Streams get
   * a pool of their own, as large as a fan-out needs, so they never starve the requests.
   */
  Stream stream(URI base, String path, java.util.function.BiConsumer<String, String> onEvent) {
    if (streams == null) {
      streams = vertx.httpClientBuilder()
          .with(new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true))
          .with(new PoolOptions().setHttp1MaxSize(100_000).setMaxWaitQueueSize(-1))
          .withConnectHandler(connection -> connection.exceptionHandler(e -> { }))
          .build();
    }
    var connection = new java.util.concurrent.atomic.AtomicReference<io.vertx.core.http.HttpConnection>();
    var options = new RequestOptions().setMethod(HttpMethod.GET).setHost(base.getHost()).setPort(port(base))
        .setURI(path).putHeader("Accept", "text/event-stream");
    context.runOnContext(v -> follow(options, connection, onEvent));
    return () -> context.runOnContext(v -> {
      var open = connection.get();
      if (open != null) {
        open.close();
      }
    });
  }

  private void follow(RequestOptions options,
                      java.util.concurrent.atomic.AtomicReference<io.vertx.core.http.HttpConnection> connection,
                      java.util.function.BiConsumer<String, String> onEvent) {
    streams.request(options).compose(request -> {
      connection.set(request.connection());
      return request.send();
    }).onSuccess(response -> {
      var event = new String[2];
      var lines = io.vertx.core.parsetools.RecordParser.newDelimited("\n", line -> {
        var text = line.toString();
        if (text.startsWith("event: ")) {
          event[0] = text.substring(7);
        } else if (text.startsWith("data: ")) {
          event[1] = text.substring(6);
        } else if (text.isEmpty() && event[0] != null) {
          onEvent.accept(event[0], event[1]);
          event[0] = null;
        }
      });
      response.handler(lines);
    });
  }

  Future<Reply> get(URI base, String path) {
    return send(HttpMethod.GET, base, path, Map.of(), null);
  }

  Future<Reply> postJson(URI base, String path, String token, String json) {
    return send(HttpMethod.POST, base, path, token == null
        ? Map.of("Content-Type", "application/json")
        : Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token), Buffer.buffer(json));
  }

  Future<Reply> send(HttpMethod method, URI base, String path, Map<String, String> headers, Buffer body) {
    if (io.vertx.core.Vertx.currentContext() != context) {
      var reply = io.vertx.core.Promise.<Reply>promise();
      context.runOnContext(v -> send(method, base, path, headers, body).onComplete(reply));
      return reply.future();
    }
    var options = new RequestOptions().setMethod(method).setHost(base.getHost()).setPort(port(base))
        .setURI(path).setTimeout(TIMEOUT_MS);
    headers.forEach(options::putHeader);
    options.putHeader("X-Forwarded-For", clientAddress(addresses++));
    return clients.get(nextClient++ % clients.size()).request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b,
            retryAfter(response.getHeader("Retry-After")))));
  }

  /**
   * The {@code n}-th of 2^24 synthetic client addresses. A load generator speaks for many voters' devices; a gateway
   * that trusts it as a proxy (as {@code ./votegate up} trusts this machine) then keeps each device's rate limits
   * apart, as it would for real voters, instead of counting every voter's failures against one address.
   */
  public static String clientAddress(long n) {
    return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  static String ballotJson(Map<String, List<String>> selections) {
    var contests = new JsonObject();
    selections.forEach((contest, choices) -> contests.put(contest, new io.vertx.core.json.JsonArray(choices)));
    return new JsonObject().put("selections", contests).encode();
  }

  private static int port(URI base) {
    return base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
  }

  private static int retryAfter(String header) {
    try {
      return header == null ? 1 : Math.max(1, Integer.parseInt(header.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  Future<Void> close() {
    var closing = new java.util.ArrayList<Future<Void>>();
    clients.forEach(c -> closing.add(c.close()));
    if (streams != null) {
      closing.add(streams.close());
    }
    return Future.all(closing).mapEmpty();
  }
}
