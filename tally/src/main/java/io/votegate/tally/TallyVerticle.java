package io.votegate.tally;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.votegate.model.AcceptedBallot;
import io.votegate.model.Topics;
import io.votegate.platform.Http;
import io.votegate.platform.Metrics;
import io.votegate.platform.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashSet;
import java.util.Map;

/**
 * Reads every partition of {@code ballots.accepted} from the beginning ({@code read_committed}: only decisions whose
 * transaction committed) into the counters, and serves them: snapshot JSON, the SSE stream and the results page.
 * Counters and streams share this verticle's event loop, so they need no locks. Every replica reads everything.
 */
public final class TallyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TallyVerticle.class);

  private final TallyConfig config;
  private final Metrics metrics;
  private final Clock clock = Clock.systemUTC();
  private Counts counts;
  private ResultsStream stream;
  private KafkaConsumer<String, String> consumer;
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

    var router = Router.router(vertx);
    router.get("/results").handler(this::getPage);
    router.get("/api/v1/results").handler(this::getSnapshot);
    router.get("/api/v1/results/stream").handler(this::getStream);
    Http.healthRoutes(router, () -> consumer.partitionsFor(Topics.ACCEPTED));
    Http.metricsRoute(router, metrics);
    Http.installErrorMapping(router);

    consumer = KafkaConsumer.create(vertx, Map.of(
        "bootstrap.servers", config.kafkaBootstrap(),
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "isolation.level", "read_committed",
        "auto.offset.reset", "earliest",
        "enable.auto.commit", "false",
        "client.id", "votegate-tally"));
    consumer.exceptionHandler(e -> LOG.warn("accepted-ballots consumer: {}", e.toString()));
    consumer.handler(record -> {
      try {
        counts.apply(AcceptedBallot.fromJson(new JsonObject(record.value())));
        applied.increment();
      } catch (RuntimeException e) {
        LOG.error("unreadable accepted ballot at {}/{}: {}", record.partition(), record.offset(), e.toString());
      }
    });
    return consumer.partitionsFor(Topics.ACCEPTED)
        .compose(partitions -> {
          var all = new HashSet<TopicPartition>();
          partitions.forEach(p -> all.add(new TopicPartition(p.getTopic(), p.getPartition())));
          if (all.isEmpty()) {
            return Future.failedFuture("topic " + Topics.ACCEPTED + " does not exist");
          }
          return consumer.assign(all).compose(v -> consumer.seekToBeginning(all));
        })
        .compose(v -> vertx.createHttpServer().requestHandler(router).listen(config.httpPort()))
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
    return (server == null ? Future.succeededFuture() : server.shutdown()).eventually(consumer::close);
  }
}
