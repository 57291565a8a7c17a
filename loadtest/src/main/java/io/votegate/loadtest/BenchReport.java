package io.votegate.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark measured, written three ways: {@code bench-report.json} (every number, for tools),
 * {@code bench-report.md} (for people, each result next to its goal) and {@code bench-report.svg} (the end-to-end
 * steps: acknowledged and decided ballots per second, and the lag, over time).
 */
public final class BenchReport {
  /** Goals of the performance issue, shown next to the results. */
  static final double GOAL_END_TO_END = 15_000;
  static final double GOAL_INTAKE_RATIO = 0.5;
  static final long GOAL_FRESHNESS_P99_MS = 500;

  /**
   * One end-to-end step or hold: the offered rate, what came of it, samples {millis, acknowledged, decided}, and the
   * CPU each component spent meanwhile (nanoseconds).
   */
  record Hold(String kind, double rate, Load.Result result, List<long[]> samples, boolean flat,
              java.util.Map<String, Long> cpuNanos) {}

  private final JsonObject json = new JsonObject().put("generatedAt", Instant.now().toString());
  private final List<Hold> steps = new ArrayList<>();
  private final StringBuilder md = new StringBuilder();

  void machine(int cores, String java, long maxHeap, boolean quick) {
    json.put("machine", new JsonObject().put("cores", cores).put("java", java).put("maxHeapBytes", maxHeap)
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version")).put("quick", quick));
  }

  void signIn(Load.Result result) {
    json.put("signIn", load(result));
  }

  void intake(String condition, Load.Result bare, Load.Result gateway) {
    var intake = json.getJsonArray("intake", new JsonArray());
    intake.add(new JsonObject().put("condition", condition).put("bare", load(bare)).put("gateway", load(gateway))
        .put("ratio", round(BenchMath.ratio(gateway.okPerSecondOverall(), bare.okPerSecondOverall()), 3)));
    json.put("intake", intake);
  }

  void ballotServer(int batchSize, long ballots, Duration elapsed, double rate) {
    var runs = json.getJsonArray("ballotServerAlone", new JsonArray());
    runs.add(new JsonObject().put("batchSize", batchSize).put("ballots", ballots)
        .put("seconds", round(elapsed.toNanos() / 1e9, 2)).put("decisionsPerSecond", Math.round(rate)));
    json.put("ballotServerAlone", runs);
  }

  void tallyReplay(long ballots, Duration elapsed) {
    json.put("tallyReplay", new JsonObject().put("ballots", ballots).put("seconds", round(elapsed.toNanos() / 1e9, 2))
        .put("ballotsPerSecond", Math.round(ballots / (elapsed.toNanos() / 1e9))));
  }

  void step(Hold hold) {
    steps.add(hold);
  }

  void endToEnd(double rate, Hold held) {
    var e2e = new JsonObject().put("sustainedBallotsPerSecond", Math.round(rate));
    if (held != null) {
      e2e.put("heldSeconds", held.result().elapsed().toSeconds()).put("acknowledged", load(held.result()));
      var costs = new JsonArray();
      for (var cost : BenchMath.costPerBallot(held.cpuNanos(), held.result().ok(), held.result().elapsed())) {
        costs.add(new JsonObject().put("component", cost.component())
            .put("percentOfOneCore", round(cost.percentOfCore(), 1)).put("microsPerBallot", round(cost.microsPerBallot(), 1)));
      }
      e2e.put("cpuPerBallot", costs).put("heldOffered", Math.round(held.rate()));
    }
    var stepsJson = new JsonArray();
    for (var step : steps) {
      stepsJson.add(new JsonObject().put("kind", step.kind()).put("offered", Math.round(step.rate()))
          .put("keptPace", step.flat()).put("acknowledged", load(step.result()))
          .put("samples", new JsonArray(step.samples().stream().map(s -> new JsonArray().add(s[0]).add(s[1]).add(s[2]))
              .toList())));
    }
    e2e.put("steps", stepsJson);
    json.put("endToEnd", e2e);
  }

  /** {@code toDecisionMillis}: the part of it from the 202 to the ballot-server's committed decision. */
  void freshness(double rate, Load.Result load, long[] sortedMillis, long[] toDecisionMillis) {
    json.put("freshness", new JsonObject().put("offered", Math.round(rate)).put("ballots", sortedMillis.length)
        .put("p50Millis", BenchMath.percentile(sortedMillis, 50)).put("p99Millis", BenchMath.percentile(sortedMillis, 99))
        .put("maxMillis", sortedMillis.length == 0 ? 0 : sortedMillis[sortedMillis.length - 1])
        .put("toDecision", new JsonObject().put("p50Millis", BenchMath.percentile(toDecisionMillis, 50))
            .put("p99Millis", BenchMath.percentile(toDecisionMillis, 99)))
        .put("acknowledged", load(load)));
  }

  void fanOut(int subscribers, long events, long heapBefore, long heapWith) {
    json.put("fanOut", new JsonObject().put("subscribers", subscribers).put("eventsWhileVoting", events)
        .put("heapBeforeBytes", heapBefore).put("heapWithBytes", heapWith)
        .put("bytesPerSubscriber", subscribers == 0 ? 0 : (heapWith - heapBefore) / subscribers));
  }

  void generatorCpu(Duration cpu, Duration wall) {
    json.put("loadGenerator", new JsonObject().put("cpuSeconds", round(cpu.toNanos() / 1e9, 1))
        .put("wallSeconds", round(wall.toNanos() / 1e9, 1))
        .put("shareOfOneCore", round(cpu.toNanos() / (double) Math.max(1, wall.toNanos()), 3)));
  }

  JsonObject json() {
    return json;
  }

  /** Writes bench-report.json, .md and .svg into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.writeString(dir.resolve("bench-report.json"), json.encodePrettily());
    Files.writeString(dir.resolve("bench-report.md"), markdown());
    Files.writeString(dir.resolve("bench-report.svg"), BenchChart.svg(steps));
  }

  String markdown() {
    md.setLength(0);
    var m = json.getJsonObject("machine", new JsonObject());
    line("# Votegate benchmark%s", m.getBoolean("quick", false) ? " (quick)" : "");
    line("");
    line("%s; %d cores, Java %s, max heap %,d MB; load generator on the same machine: %.1f s of CPU in %.1f s "
            + "(%.0f %% of one core). Generated %s.", m.getString("os"), m.getInteger("cores", 0), m.getString("java"),
        m.getLong("maxHeapBytes", 0L) / 1_000_000, json.getJsonObject("loadGenerator", new JsonObject())
            .getDouble("cpuSeconds", 0.0), json.getJsonObject("loadGenerator", new JsonObject())
            .getDouble("wallSeconds", 0.0), 100 * json.getJsonObject("loadGenerator", new JsonObject())
            .getDouble("shareOfOneCore", 0.0), json.getString("generatedAt"));
    line("");
    line("| measure | result | goal |");
    line("|---|---|---|");
    var e2e = json.getJsonObject("endToEnd", new JsonObject());
    long sustained = e2e.getLong("sustainedBallotsPerSecond", 0L);
    line("| end-to-end, sustained with flat lag (%d s) | %,d ballots/s | ≥ %,.0f %s |", e2e.getLong("heldSeconds", 0L),
        sustained, GOAL_END_TO_END, sustained >= GOAL_END_TO_END ? "✔" : "✘");
    for (var i : json.getJsonArray("intake", new JsonArray())) {
      var intake = (JsonObject) i;
      double ratio = intake.getDouble("ratio");
      line("| gateway intake (%s) | %,d/s vs bare %,d/s = **%.2f**; p50 %.1f ms, p99 %.1f ms | ≥ %.1f × bare %s |",
          intake.getString("condition"), intake.getJsonObject("gateway").getLong("perSecond"),
          intake.getJsonObject("bare").getLong("perSecond"), ratio,
          intake.getJsonObject("gateway").getDouble("p50Millis"), intake.getJsonObject("gateway").getDouble("p99Millis"),
          GOAL_INTAKE_RATIO, ratio >= GOAL_INTAKE_RATIO ? "✔" : "✘");
    }
    var fresh = json.getJsonObject("freshness", new JsonObject());
    long p99 = fresh.getLong("p99Millis", 0L);
    var toDecision = fresh.getJsonObject("toDecision", new JsonObject());
    line("| freshness, 202 to delta, at %,d/s | p50 %d ms, p99 %d ms, max %d ms (202 to decision committed: p50 %d ms, "
            + "p99 %d ms) | p99 ≤ %d ms %s |",
        fresh.getLong("offered", 0L), fresh.getLong("p50Millis", 0L), p99, fresh.getLong("maxMillis", 0L),
        toDecision.getLong("p50Millis", 0L), toDecision.getLong("p99Millis", 0L),
        GOAL_FRESHNESS_P99_MS, p99 <= GOAL_FRESHNESS_P99_MS ? "✔" : "✘");
    var signIn = json.getJsonObject("signIn", new JsonObject());
    line("| sign-in | %,d/s; p50 %.1f ms, p99 %.1f ms | |", signIn.getLong("perSecond", 0L),
        signIn.getDouble("p50Millis", 0.0), signIn.getDouble("p99Millis", 0.0));
    for (var b : json.getJsonArray("ballotServerAlone", new JsonArray())) {
      var run = (JsonObject) b;
      line("| ballot-server alone, batches of %,d | %,d decisions/s (%,d ballots in %.1f s) | |",
          run.getInteger("batchSize"), run.getLong("decisionsPerSecond"), run.getLong("ballots"),
          run.getDouble("seconds"));
    }
    var replay = json.getJsonObject("tallyReplay", new JsonObject());
    line("| tally replay | %,d ballots/s (%,d in %.1f s) | |", replay.getLong("ballotsPerSecond", 0L),
        replay.getLong("ballots", 0L), replay.getDouble("seconds", 0.0));
    var fan = json.getJsonObject("fanOut", new JsonObject());
    line("| SSE fan-out | %,d subscribers on one tally; heap %+.1f MB, %.1f KB each (client side included) | |",
        fan.getInteger("subscribers", 0), (fan.getLong("heapWithBytes", 0L) - fan.getLong("heapBeforeBytes", 0L)) / 1e6,
        fan.getLong("bytesPerSubscriber", 0L) / 1e3);
    line("");
    line("End-to-end steps (offered rate, acknowledged, lag at the end, kept pace):");
    line("");
    line("| step | offered/s | acknowledged/s | p99 ms | lag at end | kept pace |");
    line("|---|---|---|---|---|---|");
    for (var step : steps) {
      var last = step.samples().isEmpty() ? new long[] {0, 0, 0} : step.samples().get(step.samples().size() - 1);
      line("| %s | %,.0f | %,.0f | %.1f | %,d | %s |", step.kind(), step.rate(), step.result().okPerSecondOverall(),
          step.result().p99Millis(), last[1] - last[2], step.flat() ? "yes" : "no");
    }
    var costs = e2e.getJsonArray("cpuPerBallot", new JsonArray());
    if (!costs.isEmpty()) {
      line("");
      line("Where the CPU went while %,d ballots/s were offered for %d s (this process's threads by name, and the "
          + "server processes; %d cores give %,.0f µs of CPU a second in all):", e2e.getLong("heldOffered", 0L),
          e2e.getLong("heldSeconds", 0L), m.getInteger("cores", 0), m.getInteger("cores", 0) * 1e6);
      line("");
      line("| component | share of one core | CPU per ballot |");
      line("|---|---|---|");
      for (var c : costs) {
        var cost = (JsonObject) c;
        boolean total = "total".equals(cost.getString("component"));
        line(total ? "| **%s** | **%.1f %%** | **%.1f µs** |" : "| %s | %.1f %% | %.1f µs |", cost.getString("component"),
            cost.getDouble("percentOfOneCore"), cost.getDouble("microsPerBallot"));
      }
    }
    line("");
    line("![rate and lag over time](bench-report.svg)");
    return md.toString();
  }

  private void line(String format, Object... args) {
    md.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static JsonObject load(Load.Result result) {
    return new JsonObject().put("perSecond", Math.round(result.okPerSecondOverall())).put("ok", result.ok())
        .put("failed", result.failed()).put("missed", result.missed())
        .put("p50Millis", round(result.p50Millis(), 2)).put("p99Millis", round(result.p99Millis(), 2))
        .put("seconds", result.elapsed().toSeconds());
  }

  private static double round(double value, int places) {
    double scale = Math.pow(10, places);
    return Math.round(value * scale) / scale;
  }
}
