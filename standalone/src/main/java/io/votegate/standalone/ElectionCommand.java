package io.votegate.standalone;

import io.votegate.model.Election;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/** {@code ./votegate election check FILE}: is a definition valid, and what does it define? */
@Command(name = "election", mixinStandardHelpOptions = true, description = "Election definitions.",
    subcommands = ElectionCommand.Check.class)
final class ElectionCommand extends CommandGroup {

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Check an election definition (docs/election-format.md): every problem with its field path, or a "
          + "summary of the states, counties, contests, roll and poll windows. Exit 0 if valid, 1 if not.")
  static final class Check implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm zzz");

    @Parameters(paramLabel = "FILE", description = "The definition (JSON), or a shipped election's name.")
    String file;

    @Option(names = "--start", description = "The instant relative windows count from (default: now).")
    Instant start;

    @Override
    public Integer call() throws Exception {
      Election election;
      try { // Election.load checks a file (ElectionCheck) and names it with every problem
        election = Election.load(file, start != null ? start : Instant.now());
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 1;
      }
      summary(election, System.out);
      return 0;
    }

    private static void summary(Election election, PrintStream out) {
      int counties = election.states().stream().mapToInt(s -> s.counties().size()).sum();
      out.printf("%s (%s): valid%s%s%n", election.name(), election.id(), election.embargo() ? ", results embargoed "
          + "while a state's polls are open" : "", election.test() ? ", a rehearsal (test)" : "");
      out.printf("  %d states, %,d counties, a roll of %,d voters%n", election.states().size(), counties,
          election.voters());
      out.printf("  %d contests:%n", election.contests().size());
      for (var contest : election.contests()) {
        out.printf("    %-16s %s: %s of %d candidates, on the ballots of %s%n", contest.id(), contest.title(),
            contest.maxChoices() == 1 ? "choose one" : "choose up to " + contest.maxChoices(),
            contest.candidates().size(), contest.states().size() == election.states().size() ? "every state"
                : String.join(", ", contest.states().stream().sorted().toList()));
      }
      out.println("  poll windows (UTC, and the state's own time):");
      for (var state : election.states()) {
        out.printf("    %-3s %-20s %s – %s   (%s – %s)%n", state.code(), state.name(),
            TIME.withZone(ZoneOffset.UTC).format(state.opens()), TIME.withZone(ZoneOffset.UTC).format(state.closes()),
            TIME.withZone(state.zone()).format(state.opens()), TIME.withZone(state.zone()).format(state.closes()));
      }
    }
  }
}
