package io.votegate.loadtest;

import java.util.Arrays;

/** The benchmark's arithmetic, kept apart so that it is tested on its own. */
final class BenchMath {
  private BenchMath() {}

  /**
   * Whether a pipeline kept pace: in the second half of a hold, decided stayed within one second's worth of
   * acknowledged ballots at every sample. The first half is the pipeline settling into the new rate.
   */
  static boolean lagFlat(long[] lagSamples, double ratePerSecond) {
    if (lagSamples.length == 0) {
      return false;
    }
    var secondHalf = Arrays.copyOfRange(lagSamples, lagSamples.length / 2, lagSamples.length);
    return Arrays.stream(secondHalf).allMatch(lag -> lag <= Math.max(1, ratePerSecond));
  }

  static double ratio(double measured, double baseline) {
    return baseline <= 0 ? 0 : measured / baseline;
  }

  /**
   * Percentile of sorted values, nearest rank: the smallest value with at least {@code percent} of all at or below
   * it. For freshness samples, which are few enough to keep.
   */
  static long percentile(long[] sorted, double percent) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
