package io.votegate.loadtest;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The one progress line of a running simulation: rewritten in place on a terminal, printed every five seconds into
 * a log.
 */
final class Progress {
  private final PrintStream out;
  private final boolean interactive;
  private int lastWidth;
  private long lastPrinted;

  Progress(PrintStream out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  void line(Simulation.Counters c, long counted, long ratePerSecond, Duration elapsed) {
    var text = "%4ds  sent %,d  acknowledged %,d  counted %,d  rejected %,d/%,d  bad %,d  %,d ballots/s  lag %,d"
        .formatted(elapsed.toSeconds(), c.sent, c.acknowledged, counted, c.duplicatesRejected, c.duplicates, c.bad,
            ratePerSecond, Math.max(0, c.acknowledged - counted));
    if (interactive) {
      out.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
      lastWidth = text.length();
      out.flush();
    } else if (elapsed.toSeconds() - lastPrinted >= 5) {
      lastPrinted = elapsed.toSeconds();
      out.println(text);
    }
  }

  void finish() {
    if (interactive && lastWidth > 0) {
      out.println();
    }
  }
}
