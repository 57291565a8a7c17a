package io.votegate.loadtest;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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
}
