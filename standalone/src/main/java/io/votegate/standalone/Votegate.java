package io.votegate.standalone;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./votegate} command line: {@code up} runs the whole system on embedded Kafka, PostgreSQL and Redis with
 * its data under {@code .votegate/}; {@code cards} prints voter cards; {@code simulate} replays an election against it
 * and reconciles every county.
 */
@Command(name = "votegate", mixinStandardHelpOptions = true, version = "Votegate 0.1.0",
    description = "A reactive vote gateway: voters, ballot box and live results on Kafka, PostgreSQL and Redis.",
    subcommands = {UpCommand.class, CardsCommand.class, SimulateCommand.class, BenchCommand.class, ElectionCommand.class,
        ControlCommands.Polls.class, ControlCommands.Voters.class, ControlCommands.OperatorKey.class,
        CommandLine.HelpCommand.class})
public final class Votegate implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Votegate()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
