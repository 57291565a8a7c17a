package io.votegate.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.votegate.model.Election;
import io.votegate.model.Keys;
import io.votegate.model.SessionTokens;
import io.votegate.model.VoterCard;
import io.votegate.model.VoterCodes;
import io.votegate.model.VoterId;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The benchmark: one run on one machine, every number next to a baseline measured in the same run. Phases, in order:
 * sign-in; gateway intake against a bare server answering the same request with a fixed 202, with the pipeline
 * paused (gateway and Kafka alone); the ballot-server alone draining the backlog that left; the tally replaying
 * everything; intake again with the whole pipeline running; end-to-end, the highest rate the pipeline keeps pace with;
 * freshness (a ballot's 202 to the delta carrying it); SSE fan-out. The load generator is non-blocking, on its own
 * event loop, and its CPU time is reported.
 */
public final class Benchmark {

  /** What the benchmark drives: a stack whose services it may start and stop, in this process. */
  public interface Stack {
    URI gateway();

    URI tally();

    /** A bare Vert.x server answering any POST with a fixed 202: the ceiling the gateway is compared with. */
    URI bare();

    Election election();

    Keys keys();

    /** Ballots Kafka has acknowledged to the gateway so far. */
    long produced();

    /** Decisions the ballot-server has committed so far. */
    long decided();

    void startBallotServer(int batchSize) throws Exception;

    void stopBallotServer() throws Exception;

    void startTally() throws Exception;

    /**
     * The decision loop's batches so far: their count, ballots, and the seconds spent in each step (decide, receipts,
     * commit), for the developer's probe to tell what a batch waits on.
     */
    default Map<String, Double> batchTotals() {
      return Map.of();
    }

    /** The stack's server processes outside this one (PostgreSQL, Redis), by name, each by its pid file. */
    default Map<String, java.nio.file.Path> serverPidFiles() {
      return Map.of();
    }

    /** Used heap after a full collection, in bytes. */
    default long heapAfterGc() {
      System.gc();
      System.gc();
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
  }

  /** How long each phase runs; {@code quick} fits in two minutes, the full run in about fifteen. */
  public record Plan(boolean quick, Duration signIn, Duration intake, Duration step, Duration hold,
                     Duration freshness, int subscribers, List<Integer> batchSizes) {
    public static Plan fullRun() {
      return new Plan(false, Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(20),
          Duration.ofSeconds(60), Duration.ofSeconds(30), 10_000, List.of(500, 2_000, 10_000));
    }

    public static Plan quickRun() {
      return new Plan(true, Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(5),
          Duration.ofSeconds(8), Duration.ofSeconds(6), 200, List.of(2_000));
    }
  }

  /**
   * Requests in flight at most, and connections in the pool: equal, so that no request ever waits in the client's
   * pool for a connection (a deep pool queue made the client itself the bottleneck).
   */
  private static final int MAX_OUTSTANDING = 1_024;

  /**
   * Voters at once in the intake phases; each server counts with the best. A closed loop takes at most its
   * concurrency over the latency: with 128 alone, the gateway's number was its Kafka acknowledgement time (the
   * producer's linger plus acks=all: 128 / 7 ms = 18,000/s), not what it can take. With 1,024 alone, the bare
   * server's was the load generator's cost of so many connections (its 50,000/s at 128 fell to 28,000/s).
   */
  private static final List<Integer> INTAKE_CONCURRENCY = List.of(128, MAX_OUTSTANDING);

  /** The load generator's thread, by the name {@link CpuMeter} knows it by. */
  static final String LOAD_THREAD = "votegate-load";

  private final Stack stack;
  private final Plan plan;
  private final PrintStream out;
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
      .setPreferNativeTransport(true));
  private final Context context = vertx.getOrCreateContext();
  private final VotegateHttp http = new VotegateHttp(context, MAX_OUTSTANDING);
  /** The measured requests' client, per server (see {@link PostClient}); {@link #http} for the rest. */
  private final Map<URI, PostClient> posts = new java.util.HashMap<>();
  private long addresses;
  private final Iterator<VoterCard> voters;
  private final SessionTokens tokens;
  private final BenchReport report = new BenchReport();
  private final CpuMeter cpu;

  public Benchmark(Stack stack, Plan plan, PrintStream out) {
    this.stack = stack;
    this.plan = plan;
    this.out = out;
    this.cpu = new CpuMeter(stack.serverPidFiles());
    // Named, so that its CPU time is told apart from the services' event loops (Linux takes only a thread's own).
    context.runOnContext(v -> Thread.currentThread().setName(LOAD_THREAD));
    var election = stack.election();
    this.voters = VoterCard.roll(election, new VoterCodes(stack.keys().roll())).iterator();
    this.tokens = new SessionTokens(stack.keys().token());
  }

  /** Runs every phase; the stack starts with the gateway only (ballot-server and tally held back). */
  public BenchReport run() throws Exception {
    var generatorCpu = ManagementFactory.getThreadMXBean();
    var cpuBefore = loadThreadsCpu();
    long began = System.nanoTime();
    try {
      report.machine(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
          Runtime.getRuntime().maxMemory(), plan.quick());
      warmUp();
      signIn();
      long backlog = intake("paused");
      for (int i = 0; i < plan.batchSizes().size(); i++) {
        if (i > 0) {
          stack.stopBallotServer();
          backlog = intake("paused, refilling the backlog for batch " + plan.batchSizes().get(i));
        }
        ballotServerAlone(plan.batchSizes().get(i), backlog);
      }
      stack.stopBallotServer();
      stack.startBallotServer(2_000);
      tallyReplay();
      intake("pipeline running");
      var best = endToEnd();
      freshness(best * 0.8);
      fanOut();
    } finally {
      report.generatorCpu(Duration.ofNanos(loadThreadsCpu() - cpuBefore), Duration.ofNanos(System.nanoTime() - began));
      closeClients();
    }
    return report;
  }

  /**
   * A developer's probe: the warm-up, then one hold at {@code rate} for {@code duration}, each second's sample
   * and the CPU each component spent per ballot printed as it goes (a profiler attached meanwhile sees a steady
   * load), then the freshness at 80 % of the rate.
   */
  public BenchReport hold(double rate, Duration duration) throws Exception {
    verbose = true;
    try {
      report.machine(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
          Runtime.getRuntime().maxMemory(), plan.quick());
      stack.startBallotServer(2_000);
      stack.startTally();
      warmUp();
      // On two cores the JIT is still compiling the whole path a minute in (a compilation of a second at a time).
      var settle = plan.quick() ? Duration.ofSeconds(5) : Duration.ofSeconds(60);
      say("settling for %d s at %,.0f ballots/s (not measured)", settle.toSeconds(), rate / 2);
      ballots(stack.gateway()).open(rate / 2, settle, MAX_OUTSTANDING).await();
      var held = hold(rate, duration, "hold");
      report.endToEnd(held.flat() ? rate : 0, held);
      freshness(rate * 0.8);
      return report;
    } finally {
      closeClients();
    }
  }

  private boolean verbose;

  private void closeClients() throws Exception {
    http.close();
    posts.values().forEach(PostClient::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A measured request: a POST of JSON on the lean client, from one of many client addresses; its status. */
  private Future<Integer> post(URI target, String path, String token, Buffer body) {
    return posts.computeIfAbsent(target, t -> new PostClient(context, t, MAX_OUTSTANDING))
        .post(path, token, VotegateHttp.clientAddress(addresses++), body);
  }

  // --- phases -------------------------------------------------------------------------------------------------------

  /**
   * The JIT compiles the hot paths during the first seconds under load, on both sides: unmeasured, or the first phase
   * would measure the compiler. The gateway's part is the longest: Kafka's produce path, client and broker, runs once
   * per produce request, a few hundred a second, and after 7.5 s at 64 at once C2 was still compiling it through the
   * first intake phase.
   */
  private void warmUp() throws Exception {
    var signIns = plan.quick() ? Duration.ofSeconds(3) : Duration.ofSeconds(15);
    var toBare = signIns.dividedBy(2);
    var toGateway = plan.quick() ? Duration.ofSeconds(3) : Duration.ofSeconds(45);
    say("warming up for %d s (not measured)", signIns.plus(toBare).plus(toGateway).toSeconds());
    load().closed(64, signIns).await();
    ballots(stack.bare()).closed(MAX_OUTSTANDING, toBare).await();
    ballots(stack.gateway()).closed(MAX_OUTSTANDING, toGateway).await();
  }

  private void signIn() throws Exception {
    say("sign-in: as many as the gateway takes, 64 at once, for %d s", plan.signIn().toSeconds());
    var result = load().closed(64, plan.signIn()).await();
    report.signIn(result);
    say("  %,.0f sign-ins/s, p50 %.1f ms, p99 %.1f ms", result.okPerSecondOverall(), result.p50Millis(),
        result.p99Millis());
  }

  /**
   * Cards reused round and round where a fresh voter is not needed: signing in again is allowed, and the bare server
   * reads no token. Only ballots to the gateway take voters who never voted.
   */
  private final List<VoterCard> reusable = new ArrayList<>();
  private int nextReusable;

  private VoterCard reusableCard() {
    if (reusable.isEmpty()) {
      for (int i = 0; i < 20_000 && voters.hasNext(); i++) {
        reusable.add(freshVoter());
      }
    }
    return reusable.get(nextReusable++ % reusable.size());
  }

  private Load load() {
    var gateway = stack.gateway();
    return new Load(context, () -> {
      var card = reusableCard();
      var body = new JsonObject().put("voterId", card.voterId()).put("code", card.code()).toBuffer();
      return post(gateway, "/api/v1/sessions", null, body).map(status -> status == 201);
    });
  }

  /**
   * Ballots from never-used voters as fast as each server takes them, at each of the intake concurrencies: the bare
   * server and the gateway take turns in slices of {@link #INTAKE_SLICES}, so that the machine's drift over the
   * phase (its quick and slow minutes) falls on both alike. Each server counts with its best concurrency.
   */
  private long intake(String condition) throws Exception {
    say("intake (%s): POST /api/v1/ballots, %s at once, %d s each on a bare server and the gateway, taking turns,"
            + " the best of each", condition,
        INTAKE_CONCURRENCY.stream().map(c -> String.format("%,d", c)).collect(Collectors.joining(" and ")),
        plan.intake().toSeconds());
    long before = stack.produced();
    var slice = plan.intake().dividedBy(INTAKE_SLICES);
    Load.Result bare = null;
    Load.Result gateway = null;
    for (int concurrency : INTAKE_CONCURRENCY) {
      Load.Result bareHere = null;
      Load.Result gatewayHere = null;
      for (int turn = 0; turn < INTAKE_SLICES; turn++) {
        var b = ballots(stack.bare()).closed(concurrency, slice).await();
        var g = ballots(stack.gateway()).closed(concurrency, slice).await();
        bareHere = bareHere == null ? b : bareHere.plus(b);
        gatewayHere = gatewayHere == null ? g : gatewayHere.plus(g);
      }
      say("  %,d at once: bare %,.0f/s (p50 %.1f ms), gateway %,.0f/s (p50 %.1f ms)", concurrency,
          bareHere.okPerSecondOverall(), bareHere.p50Millis(), gatewayHere.okPerSecondOverall(),
          gatewayHere.p50Millis());
      bare = better(bare, bareHere);
      gateway = better(gateway, gatewayHere);
    }
    requireVoters("intake (" + condition + ")");
    report.intake(condition, bare, gateway);
    say("  bare %,.0f/s (p50 %.1f ms, p99 %.1f ms); gateway %,.0f/s (p50 %.1f ms, p99 %.1f ms): %.2f of bare",
        bare.okPerSecondOverall(), bare.p50Millis(), bare.p99Millis(), gateway.okPerSecondOverall(),
        gateway.p50Millis(), gateway.p99Millis(), BenchMath.ratio(gateway.okPerSecondOverall(),
            bare.okPerSecondOverall()));
    return stack.produced() - before;
  }

  /** Turns each server takes per concurrency in an intake phase. */
  private static final int INTAKE_SLICES = 4;

  private static Load.Result better(Load.Result best, Load.Result result) {
    return best == null || result.okPerSecondOverall() > best.okPerSecondOverall() ? result : best;
  }

  /** A load of valid ballots, each from a voter who never voted, with a session minted as sign-in would. */
  private Load ballots(URI target) {
    var election = stack.election();
    var fresh = target.equals(stack.gateway());
    return new Load(context, () -> {
      var card = fresh ? freshVoter() : reusableCard();
      var voter = VoterId.parse(card.voterId()).orElseThrow();
      var token = tokens.issue(election.id(), voter, Instant.now(), Duration.ofMinutes(30));
      var ballot = ballotFor(card.state());
      return post(target, "/api/v1/ballots", token, ballot).map(status -> status == 202);
    });
  }

  /**
   * A voter who has not voted yet. Each measured ballot needs one: a used-up roll would show as a system that falls
   * behind (every request fails), so the bench stops instead, saying so, and writes no report.
   */
  private VoterCard freshVoter() {
    if (!voters.hasNext()) {
      rollUsedUp = true;
      throw new IllegalStateException("no fresh voter left");
    }
    return voters.next();
  }

  private boolean rollUsedUp;

  private void requireVoters(String phase) {
    if (rollUsedUp) {
      throw new OutOfVoters("the bench's roll of " + String.format("%,d", stack.election().voters())
          + " voters was used up during " + phase + ": its numbers would measure a shortage of voters, not the system."
          + " Run it again with a larger --scale.");
    }
  }

  /** The roll ran out of voters who had not voted: the run measured nothing it could report. */
  public static final class OutOfVoters extends IllegalStateException {
    OutOfVoters(String message) {
      super(message);
    }
  }

  private final Map<String, Buffer> ballotByState = new java.util.HashMap<>();

  private Buffer ballotFor(String state) {
    return ballotByState.computeIfAbsent(state, s -> {
      var selections = new java.util.LinkedHashMap<String, List<String>>();
      stack.election().ballotFor(s).forEach(c -> selections.put(c.id(), List.of(c.candidates().get(0).id())));
      return Buffer.buffer(VotegateHttp.ballotJson(selections));
    });
  }

  private void ballotServerAlone(int batchSize, long backlog) throws Exception {
    say("ballot-server alone, batches of up to %,d: deciding a backlog of %,d ballots", batchSize, backlog);
    long decidedBefore = stack.decided();
    long began = System.nanoTime();
    stack.startBallotServer(batchSize);
    await(() -> stack.decided() - decidedBefore >= backlog, Duration.ofMinutes(10), "the backlog to be decided");
    var elapsed = Duration.ofNanos(System.nanoTime() - began);
    double rate = backlog / (elapsed.toNanos() / 1e9);
    report.ballotServer(batchSize, backlog, elapsed, rate);
    say("  %,.0f decisions/s (%.1f s, start-up included)", rate, elapsed.toNanos() / 1e9);
  }

  private void tallyReplay() throws Exception {
    long accepted = stack.decided();
    say("tally replay: counting %,d accepted ballots from the start of the topic", accepted);
    long began = System.nanoTime();
    stack.startTally();
    await(() -> sequence() >= accepted, Duration.ofMinutes(10), "the tally to catch up");
    var elapsed = Duration.ofNanos(System.nanoTime() - began);
    report.tallyReplay(accepted, elapsed);
    say("  %,.0f ballots/s (%.1f s, start-up included)", accepted / (elapsed.toNanos() / 1e9), elapsed.toNanos() / 1e9);
  }

  /**
   * Steps the rate up by 2,000 until decided no longer keeps pace with acknowledged, tries the rate halfway between
   * the last that kept pace and the first that did not, then holds the highest rate that kept pace for the full hold
   * (60 s), a step of 1,000 lower each time it does not; the lag curve of every step goes into the report.
   */
  private double endToEnd() throws Exception {
    double start = plan.quick() ? 2_000 : 4_000;
    double stepBy = 2_000;
    double best = 0;
    boolean fellBehind = false;
    for (double rate = start; ; rate += stepBy) {
      if (!hold(rate, plan.step(), "step").flat()) {
        fellBehind = true;
        break;
      }
      best = rate;
      if (plan.quick() && rate >= start + stepBy) {
        break;
      }
    }
    if (fellBehind && best > 0 && hold(best + stepBy / 2, plan.step(), "step").flat()) {
      best += stepBy / 2;
    }
    if (best == 0) {
      best = start / 2;
    }
    BenchReport.Hold held = null;
    for (; best > 0; best -= stepBy / 2) {
      held = hold(best, plan.hold(), "hold");
      if (held.flat()) {
        report.endToEnd(best, held);
        return best;
      }
    }
    report.endToEnd(0, held);
    return start / 2;
  }

  /** Offers ballots at {@code rate} for {@code duration}, sampling acknowledged and decided every second. */
  private BenchReport.Hold hold(double rate, Duration duration, String kind) throws Exception {
    drained();
    say("end-to-end %s: %,.0f ballots/s for %d s", kind, rate, duration.toSeconds());
    long ackedBefore = stack.produced();
    long decidedBefore = stack.decided();
    var samples = new ArrayList<long[]>();
    long began = System.nanoTime();
    var sampler = vertx.setPeriodic(1_000, id -> {
      var sample = new long[] {
          (System.nanoTime() - began) / 1_000_000, stack.produced() - ackedBefore, stack.decided() - decidedBefore};
      samples.add(sample);
      if (verbose) {
        say("  %3d s: acknowledged %,d, decided %,d, lag %,d", sample[0] / 1000, sample[1], sample[2],
            sample[1] - sample[2]);
      }
    });
    var cpuBefore = cpu.read();
    var batchesBefore = stack.batchTotals();
    var result = ballots(stack.gateway()).open(rate, duration, MAX_OUTSTANDING).await();
    var cpuSpent = cpu.read().since(cpuBefore);
    var batches = new java.util.TreeMap<String, Double>();
    stack.batchTotals().forEach((k, v) -> batches.put(k, v - batchesBefore.getOrDefault(k, 0.0)));
    vertx.cancelTimer(sampler);
    requireVoters("the end-to-end " + kind + " at " + Math.round(rate) + "/s");
    var lags = samples.stream().mapToLong(s -> s[1] - s[2]).toArray();
    // Kept pace: the gateway took (nearly) every ballot offered, and the pipeline decided them as they came.
    boolean took = result.ok() >= 0.95 * rate * duration.toSeconds();
    var hold = new BenchReport.Hold(kind, rate, result, List.copyOf(samples), took && BenchMath.lagFlat(lags, rate),
        cpuSpent);
    report.step(hold);
    say("  acknowledged %,.0f/s, p99 %.1f ms, lag at end %,d: %s", result.okPerSecondOverall(), result.p99Millis(),
        lags.length == 0 ? 0 : lags[lags.length - 1], hold.flat() ? "kept pace" : "fell behind");
    if (verbose) {
      BenchMath.costPerBallot(cpuSpent, result.ok(), result.elapsed())
          .forEach(c -> say("  %-40s %5.1f %% of a core, %6.1f µs a ballot", c.component(), c.percentOfCore(),
              c.microsPerBallot()));
      double count = Math.max(1, batches.getOrDefault("batches", 0.0));
      say("  %,.0f batches of %,.0f ballots on average; per batch %s", count, batches.getOrDefault("ballots", 0.0) / count,
          batches.entrySet().stream().filter(e -> e.getKey().startsWith("seconds "))
              .map(e -> String.format("%s %.1f ms", e.getKey().substring(8), 1000 * e.getValue() / count))
              .collect(Collectors.joining(", ")));
    }
    return hold;
  }

  /** Waits until every ballot Kafka took has been decided, so that a phase starts from an empty pipeline. */
  private void drained() throws InterruptedException {
    await(() -> stack.decided() >= stack.produced(), Duration.ofMinutes(5), "the pipeline to drain");
  }

  /**
   * Freshness: the time from a ballot's 202 to the first delta whose national count includes as many ballots. The
   * n-th acknowledgement is matched with the moment the count reaches n (counting is close to first-in, first-out).
   *
   * <p>A lead-in of the same load and subscriber comes first, unmeasured: the phase is the first to hold a results
   * subscriber under load, and the JIT compiled its path during the first seconds (a compiler thread took 60 % of a
   * core for two seconds in one run, the decisions fell to 8,800/s, and those seconds made the p99 of the 30 s
   * window: 687 ms).
   */
  private void freshness(double rate) throws Exception {
    var leadIn = plan.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(10);
    say("freshness at %,.0f ballots/s (80 %% of end-to-end): %d s of lead-in (not measured), then %d s", rate,
        leadIn.toSeconds(), plan.freshness().toSeconds());
    probe(rate, leadIn);
    var probe = probe(rate, plan.freshness());
    report.freshness(rate, probe.load(), probe.toDelta(), probe.toDecision());
    say("  p50 %d ms, p99 %d ms, max %d ms over %,d ballots (202 to decision committed: p50 %d ms, p99 %d ms)",
        BenchMath.percentile(probe.toDelta(), 50), BenchMath.percentile(probe.toDelta(), 99),
        probe.toDelta().length == 0 ? 0 : probe.toDelta()[probe.toDelta().length - 1], probe.toDelta().length,
        BenchMath.percentile(probe.toDecision(), 50), BenchMath.percentile(probe.toDecision(), 99));
  }

  /** One freshness probe: the load, and each acknowledged ballot's time to its delta and to its decision, sorted. */
  private record Probe(Load.Result load, long[] toDelta, long[] toDecision) {}

  /** Ballots at {@code rate} for {@code time} with a national results subscriber, from a drained pipeline. */
  private Probe probe(double rate, Duration time) throws Exception {
    drained();
    long base = sequence();
    var counted = new ArrayList<long[]>(); // {nanoTime, count since base}
    var stream = http.stream(stack.tally(), "/api/v1/results/stream?level=national", (event, data) -> {
      if ("delta".equals(event) || "snapshot".equals(event)) {
        long now = System.nanoTime();
        counted.add(new long[] {now, new JsonObject(data).getLong("sequence") - base});
      }
    });
    var acks = new long[(int) (rate * (time.toSeconds() + 5))];
    var acked = new AtomicLong();
    var election = stack.election();
    var gateway = stack.gateway();
    var load = new Load(context, () -> {
      var card = freshVoter();
      var token = tokens.issue(election.id(), VoterId.parse(card.voterId()).orElseThrow(), Instant.now(),
          Duration.ofMinutes(30));
      return post(gateway, "/api/v1/ballots", token, ballotFor(card.state())).map(status -> {
        if (status == 202) {
          int n = (int) acked.getAndIncrement();
          if (n < acks.length) {
            acks[n] = System.nanoTime();
          }
        }
        return status == 202;
      });
    });
    // Where the time goes: each ballot's decision too, as the ballot-server's count of committed decisions says.
    long decidedBase = stack.decided();
    var decided = new ArrayList<long[]>(); // {nanoTime, decided since base}
    var sampler = vertx.setPeriodic(5, id -> decided.add(new long[] {System.nanoTime(), stack.decided() - decidedBase}));
    var result = load.open(rate, time, MAX_OUTSTANDING).await();
    requireVoters("freshness");
    await(() -> !counted.isEmpty() && onLoop(() -> counted.get(counted.size() - 1)[1]) >= acked.get(),
        Duration.ofMinutes(2), "the last delta");
    vertx.cancelTimer(sampler);
    stream.close();
    return onLoop(() -> {
      int total = (int) Math.min(acked.get(), acks.length);
      return new Probe(result, BenchMath.latenciesMillis(acks, total, counted),
          BenchMath.latenciesMillis(acks, total, decided));
    });
  }

  /** Subscribers one tally process holds while ballots flow, and what each costs in heap. */
  private void fanOut() throws Exception {
    // Subscribers and the tally's end of each connection are both in this process: two descriptors each, and Kafka
    // and PostgreSQL need theirs (a broker that runs out of them takes its log directory offline).
    int wanted = (int) Math.min(plan.subscribers(), Math.max(100, (openFilesLimit() - 6_000) / 2));
    say("SSE fan-out: %,d subscribers to the results stream while ballots flow", wanted);
    long heapBefore = stack.heapAfterGc();
    var received = new AtomicLong();
    var streams = new ArrayList<VotegateHttp.Stream>();
    int opened = 0;
    for (int i = 0; i < wanted; i++) {
      try {
        streams.add(http.stream(stack.tally(), "/api/v1/results/stream", (event, data) -> received.incrementAndGet()));
        opened++;
      } catch (RuntimeException e) {
        say("  stopped at %,d subscribers: %s", opened, e.getMessage());
        break;
      }
      if (i % 500 == 499) {
        Thread.sleep(100);
      }
    }
    await(() -> received.get() >= streams.size(), Duration.ofMinutes(2), "every subscriber's snapshot");
    long before = received.get();
    ballots(stack.gateway()).open(1_000, Duration.ofSeconds(plan.quick() ? 3 : 10), 1_024).await();
    Thread.sleep(1_000);
    long deltas = received.get() - before;
    long heapWith = stack.heapAfterGc();
    streams.forEach(VotegateHttp.Stream::close);
    report.fanOut(streams.size(), deltas, heapBefore, heapWith);
    say("  %,d subscribers, %,d events while ballots flowed, heap %+.1f MB (%.1f KB each, client side included)",
        streams.size(), deltas, (heapWith - heapBefore) / 1e6, (heapWith - heapBefore) / 1e3 / Math.max(1, streams.size()));
  }

  // --- helpers ------------------------------------------------------------------------------------------------------

  /** The tally's count, or -1 while it is catching up (it serves no partial count: 503). */
  private long sequence() {
    var reply = http.get(stack.tally(), "/api/v1/results?level=national").await();
    return reply.status() == 200 ? reply.json().getLong("sequence") : -1;
  }

  private <T> T onLoop(java.util.function.Supplier<T> read) {
    var promise = io.vertx.core.Promise.<T>promise();
    context.runOnContext(v -> promise.complete(read.get()));
    return promise.future().await();
  }

  private static void await(java.util.function.BooleanSupplier condition, Duration within, String what)
      throws InterruptedException {
    var deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting for " + what + " after " + within.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  /** This process's limit on open files, from /proc; generous if it cannot be read. */
  static long openFilesLimit() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits")).stream()
          .filter(l -> l.startsWith("Max open files")).map(l -> l.trim().split("\\s+")[3])
          .filter(v -> v.matches("\\d+")).mapToLong(Long::parseLong).findFirst().orElse(65_536);
    } catch (java.io.IOException | RuntimeException e) {
      return 65_536;
    }
  }

  /** CPU time of the load generator's event loop so far. */
  private long loadThreadsCpu() {
    var threads = ManagementFactory.getThreadMXBean();
    var loop = onLoop(() -> Thread.currentThread().getId());
    return Math.max(0, threads.getThreadCpuTime(loop));
  }

  private void say(String format, Object... args) {
    out.printf(format + "%n", args);
    out.flush();
  }
}
