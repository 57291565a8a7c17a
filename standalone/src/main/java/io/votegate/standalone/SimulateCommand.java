package io.votegate.standalone;

import io.votegate.loadtest.Simulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code ./votegate simulate}: replays the election of a data directory against a running system with that
 * directory's voter cards, then reconciles every county. Exit 0 when everything adds up, 1 when anything differs.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Replay an election against a running system: every voter on the roll votes once, as planned, "
        + "then every county is reconciled. Exit 1 if any count differs.",
        "For us-2020 each county ends with its 2020 result (dem, rep, other) scaled to its roll, split by largest "
            + "remainder; other elections get a made-up spread. See the README."})
final class SimulateCommand implements Callable<Integer> {

  @Option(names = "--election", description = "The election to replay; must be the one in the data directory "
      + "(default: whatever it holds).")
  String election;

  @Option(names = "--scale", description = "Roll scale; must be the data directory's (default: whatever it holds).")
  Double scale;

  @Option(names = "--rate", description = "Ballots per second, 0 for as fast as the system takes them "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
  double rate;

  @Option(names = "--duplicates", description = "Fraction of voters who sign in again and cast a second ballot, "
      + "which must end rejected already_voted (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  double duplicates;

  @Option(names = "--bad", description = "Bad requests per ballot (malformed, forged, oversized, ...), each of "
      + "which must get its documented 4xx (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  double bad;

  @Option(names = "--concurrency", description = "Voters in flight at once (default: ${DEFAULT-VALUE}).",
      defaultValue = "128")
  int concurrency;

  @Option(names = "--drain-timeout", description = "Give up waiting for the count after this long without "
      + "progress, ISO-8601 (default: ${DEFAULT-VALUE}).", defaultValue = "PT2M")
  Duration drainTimeout;

  @Option(names = "--results", description = "A results file (state,county_fips,contest,candidate,votes) the counts must "
      + "end at exactly, instead of the plan's own spread; each county's roll must be able to cast it.")
  Path results;

  @Option(names = "--data", description = "Data directory of the running system (default: ${DEFAULT-VALUE}).",
      defaultValue = ".votegate")
  Path data;

  @Option(names = "--gateway", description = "Gateway URL (default: ${DEFAULT-VALUE}).",
      defaultValue = "http://localhost:${env:VOTEGATE_GATEWAY_PORT:-8080}")
  URI gateway;

  @Option(names = "--tally", description = "Tally URL (default: ${DEFAULT-VALUE}).",
      defaultValue = "http://localhost:${env:VOTEGATE_TALLY_PORT:-8081}")
  URI tally;

  @Override
  public Integer call() throws Exception {
    var dir = new DataDir(data);
    if (!dir.exists()) {
      System.err.println("No election in " + dir.root() + " yet: start one with ./votegate up first.");
      return 2;
    }
    var stored = dir.storedElection();
    if (election != null && Files.isRegularFile(Path.of(election))) { // a definition file, kept by its absolute path
      election = Path.of(election).toAbsolutePath().normalize().toString();
    }
    if ((election != null && !election.equals(stored.name())) || (scale != null && scale != stored.scale())) {
      System.err.printf("%s holds election '%s' at scale %s, not '%s' at %s: run ./votegate up --election %s "
              + "--scale %s with another --data directory first.%n", dir.root(), stored.name(), stored.scale(),
          election == null ? stored.name() : election, scale == null ? stored.scale() : scale,
          election == null ? stored.name() : election, scale == null ? stored.scale() : scale);
      return 2;
    }
    var loaded = stored.load();
    var cards = dir.cards(loaded.id());
    if (!Files.exists(cards)) {
      System.err.println("No voter cards at " + cards + ": ./votegate up writes them when it starts.");
      return 2;
    }
    if (!(rate >= 0 && duplicates >= 0 && duplicates <= 1 && bad >= 0 && concurrency >= 1)) {
      System.err.println("--rate and --bad must be >= 0, --duplicates between 0 and 1, --concurrency >= 1.");
      return 2;
    }
    var options = new Simulation.Options(loaded, cards, gateway, tally, rate, duplicates, bad, concurrency,
        drainTimeout, System.out, System.console() != null, results);
    Simulation simulation;
    try {
      simulation = new Simulation(options);
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("simulate: " + e.getMessage());
      return 2;
    }
    try {
      return simulation.run().ok() ? 0 : 1;
    } catch (IllegalStateException e) {
      System.err.println("simulate: " + e.getMessage());
      return 2;
    }
  }
}
