package io.votegate.loadtest;

import java.util.List;
import java.util.Locale;

/**
 * The end-to-end chart of a benchmark as plain SVG: the steps one after the other on one time axis, ballots per
 * second acknowledged (blue) and decided (green) on the left scale, and the lag (orange, ballots acknowledged but
 * not yet decided) on the right scale; each step is labelled with its offered rate and whether it kept pace.
 */
final class BenchChart {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 360;
  private static final int LEFT = 70;
  private static final int RIGHT = 70;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  private BenchChart() {}

  static String svg(List<BenchReport.Hold> steps) {
    // Per-second rates from the cumulative samples, steps laid end to end.
    var points = new java.util.ArrayList<double[]>(); // {seconds, acknowledged/s, decided/s, lag}
    var labels = new java.util.ArrayList<double[]>(); // {start seconds, offered, flat}
    double offset = 0;
    for (var step : steps) {
      labels.add(new double[] {offset, step.rate(), step.flat() ? 1 : 0});
      long[] previous = {0, 0, 0};
      for (var s : step.samples()) {
        double dt = Math.max(0.001, (s[0] - previous[0]) / 1000.0);
        points.add(new double[] {offset + s[0] / 1000.0, (s[1] - previous[1]) / dt, (s[2] - previous[2]) / dt,
            s[1] - s[2]});
        previous = s;
      }
      offset += step.samples().isEmpty() ? 1 : step.samples().get(step.samples().size() - 1)[0] / 1000.0 + 1;
    }
    double maxRate = Math.max(1, points.stream().mapToDouble(p -> Math.max(p[1], p[2])).max().orElse(1)) * 1.1;
    double maxLag = Math.max(1, points.stream().mapToDouble(p -> p[3]).max().orElse(1)) * 1.1;
    double maxT = Math.max(1, offset);
    var svg = new StringBuilder();
    f(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT);
    f(svg, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n");
    f(svg, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">End to end: ballots/s acknowledged "
        + "(blue) and decided (green), lag (orange, right scale)</text>%n", LEFT);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    f(svg, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, TOP, plotW,
        plotH);
    for (int i = 0; i <= 4; i++) {
      double y = TOP + plotH - plotH * i / 4.0;
      f(svg, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>%n", LEFT, LEFT + plotW, y, y);
      f(svg, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,.0f</text>%n", LEFT - 6, y + 4, maxRate * i / 4);
      f(svg, "<text x=\"%d\" y=\"%.1f\" fill=\"#c2410c\">%,.0f</text>%n", LEFT + plotW + 6, y + 4, maxLag * i / 4);
    }
    f(svg, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds</text>%n", LEFT + plotW / 2, HEIGHT - 10);
    for (var label : labels) {
      double x = LEFT + plotW * label[0] / maxT;
      f(svg, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#bbb\" stroke-dasharray=\"3,3\"/>%n", x, x,
          TOP, TOP + plotH);
      f(svg, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%,.0f/s %s</text>%n", x + 3, TOP + plotH + 14, label[1],
          label[2] > 0 ? "kept pace" : "fell behind");
    }
    polyline(svg, points, 1, maxRate, maxT, plotW, plotH, "#1d4ed8");
    polyline(svg, points, 2, maxRate, maxT, plotW, plotH, "#15803d");
    polyline(svg, points, 3, maxLag, maxT, plotW, plotH, "#c2410c");
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void polyline(StringBuilder svg, List<double[]> points, int column, double max, double maxT,
                               int plotW, int plotH, String colour) {
    var path = new StringBuilder();
    for (var p : points) {
      f(path, "%.1f,%.1f ", LEFT + plotW * p[0] / maxT, TOP + plotH - plotH * Math.min(p[column], max) / max);
    }
    f(svg, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n", colour, path.toString().trim());
  }

  private static void f(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args));
  }
}
