package io.votegate.standalone;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./votegate cards}: the voter cards of the election in a data directory, as CSV on standard output. */
@Command(name = "cards", mixinStandardHelpOptions = true,
    description = "Print voter cards (voterId,code,state,county) as CSV.")
final class CardsCommand implements Callable<Integer> {

  @Option(names = "--data", description = "Data directory (default: ${DEFAULT-VALUE}).", defaultValue = ".votegate")
  Path data;

  @Option(names = "--state", description = "Only voters of this state, e.g. RI.")
  String state;

  @Option(names = "--limit", description = "At most this many cards.", defaultValue = "" + Long.MAX_VALUE,
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
  long limit;

  @Override
  public Integer call() throws Exception {
    var dir = new DataDir(data);
    if (!dir.exists()) {
      System.err.println("No election in " + dir.root() + " yet: run ./votegate up first.");
      return 1;
    }
    dir.printCards(System.out, state, limit);
    System.out.flush();
    return 0;
  }
}
