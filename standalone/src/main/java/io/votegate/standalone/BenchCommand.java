package io.votegate.standalone;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.votegate.gateway.GatewayConfig;
import io.votegate.loadtest.BenchReport;
import io.votegate.loadtest.Benchmark;
import io.votegate.model.Election;
import io.votegate.model.Keys;
import io.votegate.platform.FreePorts;
import io.votegate.platform.Http;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./votegate bench}: the benchmark on a stack of its own (a fresh temporary data directory, the us-2020 roll),
 * with a bare Vert.x server beside it as the baseline; writes bench-report.md, .json and .svg into a directory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure intake, end-to-end rate, freshness, sign-in, ballot-server, tally replay and SSE fan-out "
        + "on a fresh stack of its own; write bench-report.md, bench-report.json and bench-report.svg.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--quick", description = "Every phase, briefly: under two minutes.")
  boolean quick;

  @Option(names = "--scale", description = "us-2020 roll scale, enough voters for every ballot the bench casts "
      + "(default: 0.2, 31.7 million voters, or 0.02 with --quick); the bench stops, saying so, if they run out.")
  Double scale;

  @Option(names = "--hold", paramLabel = "RATE", description = "Only warm up, then offer RATE ballots/s (for "
      + "--seconds), printing each second and the CPU each component spent a ballot (a steady load to profile), "
      + "then measure freshness at 80 % of RATE.")
  Double hold;

  @Option(names = "--seconds", description = "How long --hold offers its rate (default: 60).", defaultValue = "60")
  int seconds;

  @Option(names = "--out", description = "Where the reports go (default: the current directory).", defaultValue = ".")
  Path out;

  @Override
  public Integer call() throws Exception {
    var data = Files.createTempDirectory("votegate-bench");
    var dir = new DataDir(data);
    // Every ballot is a new voter's. With the gateway's producer at linger.ms 1 a quick hour's run used up 0.1's 15.8
    // million voters during its freshness phase (13:18 on 2026-12-03); 0.2 leaves about twice what a run casts. The
    // quick run used up 0.005's 792,182 in its end-to-end hold the same hour: 0.02 (3.2 million) for it.
    var chosen = dir.election("us-2020", scale != null ? scale : quick ? 0.02 : 0.2);
    System.out.printf("Starting a stack for the benchmark (us-2020, %,d voters) in %s …%n",
        chosen.load().voters(), data);
    var bareVertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true)); // as the services
    var stack = LocalStack.servers(new LocalStack.Settings(dir, chosen, FreePorts.pick(), FreePorts.pick(),
        FreePorts.pick()));
    var discarded = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable discard = () -> {
      if (discarded.compareAndSet(false, true)) {
        stack.close();
        try {
          bareVertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          System.err.println("The bare server did not stop cleanly: " + e);
        }
        deleteAll(data);
      }
    };
    // Ctrl-C too stops the servers and deletes the directory: the embedded PostgreSQL would outlive us otherwise.
    var onExit = new Thread(discard, "votegate-bench-stop");
    Runtime.getRuntime().addShutdownHook(onExit);
    try {
      // The roll loads once, before anything is measured; the gateway alone runs from the start.
      stack.startBallotServer(Map.of());
      stack.stop("ballot-server");
      stack.startGateway();
      var env = stack.environment();
      var gateway = GatewayConfig.fromEnv(env);
      int barePort = FreePorts.pick();
      bareVertx.deployVerticle(() -> new BareServer(barePort),
          new DeploymentOptions().setInstances(gateway.instances())).await(30, TimeUnit.SECONDS);
      var benchmark = new Benchmark(new BenchStack(stack, dir, gateway.election(), gateway.keys(), barePort),
          quick ? Benchmark.Plan.quickRun() : Benchmark.Plan.fullRun(), System.out);
      BenchReport report;
      try {
        report = hold != null ? benchmark.hold(hold, java.time.Duration.ofSeconds(seconds)) : benchmark.run();
      } catch (Benchmark.OutOfVoters e) {
        System.err.println("votegate bench: " + e.getMessage());
        return 2;
      }
      Files.createDirectories(out);
      report.write(out);
      System.out.println("Wrote " + out.toAbsolutePath().normalize().resolve("bench-report.md") + " (and .json, .svg)");
      return 0;
    } finally {
      discard.run();
      try {
        Runtime.getRuntime().removeShutdownHook(onExit);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C while finishing: the hook found everything discarded already.
      }
    }
  }

  private static void deleteAll(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("Could not delete " + dir + ": " + e.getMessage());
    }
  }

  /** The baseline: answers any request, once its body is read, with the same 202 the gateway gives. */
  static final class BareServer extends VerticleBase {
    private static final String ACCEPTED = "{\"receipt\":\"bare\",\"status\":\"pending\",\"links\":{}}";
    private final int port;
    private HttpServer server;

    BareServer(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      // The gateway's server options, so that the ratio measures the gateway's work, not a difference in set-up.
      return vertx.createHttpServer(Http.serverOptions()).requestHandler(request -> request.body()
          .onSuccess(body -> request.response().setStatusCode(202)
              .putHeader("Content-Type", "application/json; charset=utf-8").end(ACCEPTED)))
          .listen(port).onSuccess(s -> server = s);
    }

    @Override
    public Future<?> stop() {
      return server == null ? Future.succeededFuture() : server.close();
    }
  }

  /** The benchmark's view of the stack: URLs, the election and its keys, and the flow counters. */
  private record BenchStack(LocalStack stack, DataDir data, Election election, Keys keys, int barePort)
      implements Benchmark.Stack {
    @Override
    public Map<String, Double> batchTotals() {
      var registry = stack.metrics().registry();
      var totals = new java.util.HashMap<String, Double>();
      var sizes = registry.find("votegate.ballot_server.batch.size").summary();
      if (sizes != null) {
        totals.put("batches", (double) sizes.count());
        totals.put("ballots", sizes.totalAmount());
      }
      registry.find("votegate.ballot_server.step.duration").timers().forEach(t -> totals.put(
          "seconds " + t.getId().getTag("step"), t.totalTime(java.util.concurrent.TimeUnit.SECONDS)));
      return totals;
    }

    @Override
    public Map<String, Path> serverPidFiles() {
      return Map.of("PostgreSQL (all its processes)", data.postgres().resolve("postmaster.pid"),
          "Redis", data.redis().resolve("redis.pid"));
    }

    @Override
    public URI gateway() {
      return URI.create("http://127.0.0.1:" + stack.environment().get("VOTEGATE_GATEWAY_PORT"));
    }

    @Override
    public URI tally() {
      return URI.create("http://127.0.0.1:" + stack.environment().get("VOTEGATE_TALLY_PORT"));
    }

    @Override
    public URI bare() {
      return URI.create("http://127.0.0.1:" + barePort);
    }

    @Override
    public long produced() {
      var counter = stack.metrics().registry().find("votegate.gateway.ballots.produced").counter();
      return counter == null ? 0 : (long) counter.count();
    }

    @Override
    public long decided() {
      return (long) stack.metrics().registry().find("votegate.ballot_server.decisions").counters().stream()
          .mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void startBallotServer(int batchSize) throws Exception {
      stack.startBallotServer(Map.of("VOTEGATE_BATCH_SIZE", String.valueOf(batchSize)));
    }

    @Override
    public void stopBallotServer() throws Exception {
      stack.stop("ballot-server");
    }

    @Override
    public void startTally() throws Exception {
      stack.startTally();
    }
  }
}
