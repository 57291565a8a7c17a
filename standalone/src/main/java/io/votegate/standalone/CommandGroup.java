package io.votegate.standalone;

import picocli.CommandLine;

/** A command that only groups others ({@code ./votegate polls}, {@code election}, ...): on its own it shows usage. */
abstract class CommandGroup implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
