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

  /** One component's CPU during a load: its share of one core, and what it spent per acknowledged ballot. */
  record Cost(String component, double percentOfCore, double microsPerBallot) {}

  /**
   * CPU by component over a load of {@code ballots} in {@code elapsed}, most expensive first, with their sum last
   * ("total"): the sum says how many ballots a second the machine's cores could carry at best.
   */
  static java.util.List<Cost> costPerBallot(java.util.Map<String, Long> cpuNanos, long ballots,
                                           java.time.Duration elapsed) {
    double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
    var costs = new java.util.ArrayList<Cost>();
    cpuNanos.forEach((component, nanos) -> costs.add(new Cost(component, 100 * nanos / 1e9 / seconds,
        ballots == 0 ? 0 : nanos / 1e3 / ballots)));
    costs.sort(java.util.Comparator.comparingDouble(Cost::microsPerBallot).reversed());
    costs.add(new Cost("total", costs.stream().mapToDouble(Cost::percentOfCore).sum(),
        costs.stream().mapToDouble(Cost::microsPerBallot).sum()));
    return costs;
  }

  /**
   * The latency of each of the first {@code count} events (nanosecond times, in order) to the first sample
   * {nanoTime, running count} whose count includes it, sorted, in milliseconds: the n-th event is matched with the
   * moment the count reaches n (first in, first out). Events no sample reached are left out.
   */
  static long[] latenciesMillis(long[] eventNanos, int count, java.util.List<long[]> samples) {
    var out = new long[count];
    int next = 0;
    for (var sample : samples) {
      while (next < count && next < sample[1]) {
        out[next] = (sample[0] - eventNanos[next]) / 1_000_000;
        next++;
      }
    }
    var reached = java.util.Arrays.copyOf(out, next);
    java.util.Arrays.sort(reached);
    return reached;
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
