package io.votegate.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * HTTP requests by route, method and status, counted and timed in meters made once per combination. Vert.x
 * Micrometer's own request metrics built the IDs of five meters from their tags and looked each up in the registry
 * on every request: 4–8 % of the gateway's event-loop samples at 1,024 ballots at once. The names and labels stay
 * Vert.x's ({@code vertx_http_server_requests_total} and {@code vertx_http_server_response_time_seconds}, by
 * {@code route}, {@code method} and {@code code}), which the dashboard reads. Open connections are still counted by
 * Vert.x Micrometer. Bytes are not counted: one counter shared by every loop and added to on every read and write
 * took 1.7 % of the samples, for totals nobody reads.
 */
final class RequestMetrics {
  private static final int STATUSES = 1_000;
  /**
   * The methods Vert.x knows by name. A client may send any token as its method; any other is counted as OTHER, so
   * that no client can add a series to every scrape with each request it makes.
   */
  private static final Set<HttpMethod> KNOWN = Set.copyOf(HttpMethod.values());
  private static final HttpMethod OTHER = new HttpMethod("OTHER");

  private final MeterRegistry registry;
  /** Per route, per method, per status (its three digits as the index): made on a combination's first request. */
  private final ConcurrentMap<String, ConcurrentMap<HttpMethod, AtomicReferenceArray<Meters>>> meters =
      new ConcurrentHashMap<>();

  private RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Vert.x Micrometer's metrics for everything, except that HTTP servers count their requests here. */
  static VertxMetrics around(VertxMetrics micrometer, MeterRegistry registry) {
    var requests = new RequestMetrics(registry);
    return new VertxMetrics() {
      @Override
      public EventBusMetrics createEventBusMetrics() {
        return micrometer.createEventBusMetrics();
      }

      @Override
      @SuppressWarnings("unchecked")
      public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress local) {
        return requests.new Server((HttpServerMetrics<?, ?, Object>) micrometer.createHttpServerMetrics(options, local));
      }

      @Override
      public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remote, String type, String namespace) {
        return micrometer.createClientMetrics(remote, type, namespace);
      }

      @Override
      public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
        return micrometer.createHttpClientMetrics(options);
      }

      @Override
      public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress local) {
        return micrometer.createNetServerMetrics(options, local);
      }

      @Override
      public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
        return micrometer.createNetClientMetrics(options);
      }

      @Override
      public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
        return micrometer.createDatagramSocketMetrics(options);
      }

      @Override
      public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
        return micrometer.createPoolMetrics(type, name, maxSize);
      }

      @Override
      public void vertxCreated(Vertx vertx) {
        micrometer.vertxCreated(vertx);
      }

      @Override
      public boolean isMetricsEnabled() {
        return micrometer.isMetricsEnabled();
      }

      @Override
      public void close() {
        micrometer.close();
      }
    };
  }

  /** A request's method, when it began and the routes it matched (Vert.x Web names a route by its path). */
  static final class Request {
    private final HttpMethod method;
    private final long began = System.nanoTime();
    private String route = "";

    private Request(HttpMethod method) {
      this.method = method;
    }
  }

  private record Meters(Counter requests, Timer responseTime) {}

  Meters meters(String route, HttpMethod method, int status) {
    if (status < 0 || status >= STATUSES) {
      return create(route, method, status); // never sent by our servers; found the slow way if it ever is
    }
    var byStatus = meters.computeIfAbsent(route, r -> new ConcurrentHashMap<>())
        .computeIfAbsent(method, m -> new AtomicReferenceArray<>(STATUSES));
    var found = byStatus.get(status);
    if (found == null) {
      byStatus.compareAndSet(status, null, create(route, method, status));
      found = byStatus.get(status);
    }
    return found;
  }

  private Meters create(String route, HttpMethod method, int status) {
    String[] tags = {"route", route, "method", method.name(), "code", String.valueOf(status)};
    return new Meters(
        Counter.builder("vertx.http.server.requests").description("Number of processed requests").tags(tags)
            .register(registry),
        Timer.builder("vertx.http.server.response.time").description("Request processing time").tags(tags)
            .register(registry));
  }

  /** One HTTP server's requests; its connections go to Vert.x Micrometer's metrics for the server. */
  final class Server implements HttpServerMetrics<Request, Object, Object> {
    private final HttpServerMetrics<?, ?, Object> connections;

    private Server(HttpServerMetrics<?, ?, Object> connections) {
      this.connections = connections;
    }

    @Override
    public Request requestBegin(Object socket, HttpRequest request) {
      var method = request.method();
      return new Request(KNOWN.contains(method) ? method : OTHER);
    }

    @Override
    public void requestRouted(Request request, String route) {
      if (route != null) {
        request.route = request.route.isEmpty() ? route : request.route + route; // joined as Vert.x joins them
      }
    }

    @Override
    public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
      var meters = meters(request.route, request.method, response.statusCode());
      meters.requests().increment();
      meters.responseTime().record(System.nanoTime() - request.began, TimeUnit.NANOSECONDS);
    }

    @Override
    public Object connected(SocketAddress remote, String remoteName) {
      return connections.connected(remote, remoteName);
    }

    @Override
    public void disconnected(Object socket, SocketAddress remote) {
      connections.disconnected(socket, remote);
    }

    @Override
    public void exceptionOccurred(Object socket, SocketAddress remote, Throwable failure) {
      connections.exceptionOccurred(socket, remote, failure);
    }

    @Override
    public void close() {
      connections.close();
    }
  }
}
