package io.votegate.loadtest;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class BenchChartTest {

  @Test
  void theChartIsOneSvgWithALinePerSeriesAndALabelPerStep() {
    var result = new Load.Result(10, 10, 0, 0, new Histogram(3), Duration.ofSeconds(2), new long[] {5, 5});
    var steps = List.of(
        new BenchReport.Hold("step", 4_000, result, List.of(new long[] {1_000, 4_000, 3_900}, new long[] {2_000, 8_000, 7_950}), true, Map.of()),
        new BenchReport.Hold("step", 6_000, result, List.of(new long[] {1_000, 6_000, 4_000}, new long[] {2_000, 12_000, 7_000}), false, Map.of()));
    var svg = BenchChart.svg(steps);
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
    assertTrue(svg.trim().endsWith("</svg>"));
    assertEquals(3, svg.split("<polyline").length - 1, "acknowledged, decided, lag");
    assertTrue(svg.contains("4,000/s kept pace") && svg.contains("6,000/s fell behind"), svg);
  }
}
