package io.votegate.standalone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code ./votegate election check}: a summary and exit 0 for a valid definition, every problem and exit 1 else. */
class ElectionCommandTest {

  @Test
  void aValidDefinitionIsSummarisedWithItsWindowsInUtcAndLocalTime() throws Exception {
    var run = run("election", "check", Path.of("..", "docs", "elections", "river-valley.json").toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("3 states, 5 counties, a roll of 4,200 voters"), run.out());
    assertTrue(run.out().contains("water-board      Water Board (choose up to 2): choose up to 2 of 3 candidates, "
        + "on the ballots of AZ, OR"), run.out());
    assertTrue(run.out().contains("Tue 2026-11-03 15:00 Z – Wed 2026-11-04 04:00 Z   (Tue 2026-11-03 07:00 PST"),
        run.out());
    assertEquals(0, run("election", "check", "us-2020").exit(), "a shipped election by name");
  }

  @Test
  void anInvalidDefinitionGetsEveryProblemAndExit1(@TempDir Path dir) throws Exception {
    var file = dir.resolve("bad.json");
    Files.writeString(file, Files.readString(Path.of("..", "docs", "elections", "river-valley.json"))
        .replace("\"maxChoices\": 2", "\"maxChoices\": 5").replace("\"voters\": 400", "\"voters\": -400"));
    var run = run("election", "check", file.toString());
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("2 problems"), run.err());
    assertTrue(run.err().contains("contests[1].maxChoices: 5 is more than its 3 candidates"), run.err());
    assertTrue(run.err().contains("states[2].counties[0].voters: a roll cannot be negative (-400)"), run.err());
    Files.writeString(file, "{ not json");
    assertEquals(1, run("election", "check", file.toString()).exit());
    assertEquals(1, run("election", "check", dir.resolve("missing.json").toString()).exit());
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var stdout = System.out;
    var stderr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = new CommandLine(new Votegate()).execute(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }
}
