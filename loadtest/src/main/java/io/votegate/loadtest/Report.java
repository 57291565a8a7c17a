package io.votegate.loadtest;

import io.votegate.model.Election;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** How a simulation ended: what was sent and acknowledged, the reconciliation, and whether it all adds up. */
public record Report(Simulation.Counters counters, long counted, Duration castFor, Reconciliation reconciliation,
                     List<String> problems, Election election) {

  /** Every voter voted once, every count equals the plan, every second ballot was refused, every bad request too. */
  public boolean ok() {
    return reconciliation.ok() && problems.isEmpty() && counters.failed == 0 && counters.problems == 0
        && counters.receiptsCounted == counters.acknowledged && counted == counters.acknowledged
        && counters.duplicatesRejected == counters.duplicates && counters.badRefused == counters.bad;
  }

  public long acknowledged() {
    return counters.acknowledged;
  }

  /** Original ballots acknowledged per second of casting. */
  public double rate() {
    return counters.acknowledged / Math.max(0.001, castFor.toMillis() / 1000.0);
  }

  void print(PrintStream out) {
    reconciliation.print(out, election);
    out.printf("Ballots: %,d voters, %,d acknowledged (202), %,d counted by the tally, %,d could not vote%n",
        counters.sent, counters.acknowledged, counted, counters.failed);
    out.printf("Receipts: %,d of %,d read back counted%n", counters.receiptsCounted, counters.acknowledged);
    out.printf("Second ballots: %,d sent, %,d rejected already_voted, %,d counted%n", counters.duplicates,
        counters.duplicatesRejected, counters.duplicatesCounted);
    out.printf("Bad requests: %,d sent, %,d refused with their documented 4xx%n", counters.bad, counters.badRefused);
    out.printf("Cast in %.1f s: %,.0f ballots/s; %,d requests retried after 429/503 or a lost connection, "
        + "%,d of them legitimate voters' requests that met a rate limit (429)%n",
        castFor.toMillis() / 1000.0, rate(), counters.retried, counters.limited);
    if (counters.problems > 0 || !problems.isEmpty()) {
      out.printf("Problems (%,d; the first %d):%n", Math.max(counters.problems, problems.size()), problems.size());
      problems.forEach(p -> out.println("  " + p));
    }
    out.println(ok() ? "RECONCILED: every acknowledged ballot counted once, per county and candidate."
        : "NOT RECONCILED: see above.");
  }
}
