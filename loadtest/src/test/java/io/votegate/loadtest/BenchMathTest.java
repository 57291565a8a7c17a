package io.votegate.loadtest;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BenchMathTest {

  @Test
  void lagIsFlatWhenTheSecondHalfStaysWithinOneSecondsWorth() {
    // Settling in the first half is allowed; the second half must stay under 1,000 at 1,000/s.
    assertTrue(BenchMath.lagFlat(new long[] {5_000, 3_000, 800, 900, 1_000, 400}, 1_000));
    assertFalse(BenchMath.lagFlat(new long[] {100, 200, 400, 800, 1_600, 3_200}, 1_000), "growing lag");
    assertFalse(BenchMath.lagFlat(new long[] {100, 100, 100, 1_001}, 1_000), "one sample over is enough");
    assertFalse(BenchMath.lagFlat(new long[0], 1_000), "no samples prove nothing");
  }

  @Test
  void percentilesAreNearestRank() {
    long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assertEquals(50, BenchMath.percentile(sorted, 50));
    assertEquals(100, BenchMath.percentile(sorted, 99));
    assertEquals(10, BenchMath.percentile(sorted, 1));
    assertEquals(0, BenchMath.percentile(new long[0], 99));
  }

  @Test
  void aRatioAgainstNoBaselineIsZeroNotInfinity() {
    assertEquals(0.5, BenchMath.ratio(10_000, 20_000), 1e-9);
    assertEquals(0, BenchMath.ratio(10_000, 0));
  }

  @Test
  void aLoadResultReportsItsRateAndPercentilesInMilliseconds() {
    var latencies = new Histogram(3_600_000_000L, 3);
    for (int i = 1; i <= 100; i++) {
      latencies.recordValue(i * 1_000L); // 1 ms .. 100 ms
    }
    var result = new Load.Result(100, 100, 0, 0, latencies, Duration.ofSeconds(4), new long[] {25, 25, 25, 25});
    assertEquals(25.0, result.okPerSecondOverall(), 1e-9);
    assertEquals(50.0, result.p50Millis(), 0.1);
    assertEquals(99.0, result.p99Millis(), 0.1);
  }

  @Test
  void cpuPerBallotDividesEachComponentsTimeByTheBallotsAndSumsThemLast() {
    // 2 s of event loops and 0.5 s of PostgreSQL over 10 s and 20,000 ballots.
    var costs = BenchMath.costPerBallot(java.util.Map.of("event loops", 2_000_000_000L, "PostgreSQL", 500_000_000L),
        20_000, Duration.ofSeconds(10));
    assertEquals(java.util.List.of("event loops", "PostgreSQL", "total"),
        costs.stream().map(BenchMath.Cost::component).toList(), "most expensive first, the sum last");
    assertEquals(100.0, costs.get(0).microsPerBallot(), 1e-9);
    assertEquals(20.0, costs.get(0).percentOfCore(), 1e-9);
    assertEquals(25.0, costs.get(1).microsPerBallot(), 1e-9);
    assertEquals(125.0, costs.get(2).microsPerBallot(), 1e-9);
    assertEquals(25.0, costs.get(2).percentOfCore(), 1e-9);
    assertEquals(0.0, BenchMath.costPerBallot(java.util.Map.of("idle", 1L), 0, Duration.ofSeconds(1)).get(0)
        .microsPerBallot(), "no ballots, no cost per ballot");
  }

  @Test
  void theNthEventIsMatchedWithTheFirstSampleWhoseCountReachesIt() {
    long ms = 1_000_000;
    long[] events = {0, 10 * ms, 20 * ms, 30 * ms};
    // Counts 2 at 50 ms, 3 at 60 ms; the fourth event is never reached.
    var samples = java.util.List.of(new long[] {40 * ms, 0}, new long[] {50 * ms, 2}, new long[] {60 * ms, 3});
    assertArrayEquals(new long[] {40, 40, 50}, BenchMath.latenciesMillis(events, 4, samples),
        "50 - 0 and 50 - 10, then 60 - 20, sorted; the unreached one left out");
    assertArrayEquals(new long[0], BenchMath.latenciesMillis(events, 0, samples));
  }

  @Test
  void twoSlicesOfALoadAddUpToOneRunOfBoth() {
    var fast = new Histogram(3_600_000_000L, 3);
    var slow = new Histogram(3_600_000_000L, 3);
    for (int i = 0; i < 100; i++) {
      fast.recordValue(1_000);
      slow.recordValue(9_000);
    }
    var first = new Load.Result(110, 100, 5, 5, fast, Duration.ofSeconds(2), new long[] {40, 60, 0});
    var second = new Load.Result(100, 100, 0, 0, slow, Duration.ofSeconds(2), new long[] {50, 50, 0});
    var both = first.plus(second);
    assertEquals(List.of(210L, 200L, 5L, 5L), List.of(both.sent(), both.ok(), both.failed(), both.missed()));
    assertEquals(50, both.okPerSecondOverall(), 1e-9, "200 answers in 4 s");
    assertEquals(1.0, both.p50Millis(), 0.01);
    assertEquals(9.0, both.p99Millis(), 0.01);
    assertArrayEquals(new long[] {40, 60, 0, 50, 50, 0}, both.okPerSecond());
    assertEquals(100, first.latencyMicros().getTotalCount(), "the slices themselves are left as they were");
  }
}
