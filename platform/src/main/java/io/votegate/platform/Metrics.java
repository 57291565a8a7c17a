package io.votegate.platform;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * One Prometheus registry per process, handed to Vert.x (HTTP requests by route, method and status, counted by
 * {@link RequestMetrics}) and to each service for its own flow counters.
 */
public record Metrics(PrometheusMeterRegistry registry) {

  public static Metrics create() {
    return new Metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** The process's Vert.x, wired to this registry. */
  public Vertx vertx() {
    var options = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true);
    return Vertx.builder()
        // epoll on Linux: fewer system calls and allocations per request than NIO's selector (which took 2 % of
        // the gateway's CPU samples in its own key-set lookups); NIO elsewhere.
        .with(new VertxOptions().setMetricsOptions(options).setPreferNativeTransport(true))
        .withMetrics(new MicrometerMetricsFactory(registry) {
          @Override
          public VertxMetrics metrics(VertxOptions vertxOptions) {
            return RequestMetrics.around(super.metrics(vertxOptions), registry);
          }
        })
        .build();
  }
}
