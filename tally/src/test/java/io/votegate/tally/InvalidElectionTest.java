package io.votegate.tally;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A service started on an invalid election definition refuses to start, naming the file and each field's problem. */
class InvalidElectionTest {

  @Test
  void theTallyExitsNonZeroNamingTheFileAndTheFieldPath(@TempDir Path dir) throws Exception {
    var definition = new JsonObject(Files.readString(Path.of("..", "docs", "elections", "river-valley.json")));
    definition.getJsonArray("contests").getJsonObject(1).put("maxChoices", 0);
    var file = dir.resolve("bad-election.json");
    Files.writeString(file, definition.encode());
    var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.votegate.tally.Main");
    builder.environment().put("VOTEGATE_ELECTION", file.toString());
    builder.environment().put("VOTEGATE_KAFKA_BOOTSTRAP", "127.0.0.1:1");
    var log = dir.resolve("tally.log");
    var process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "it stops by itself");
    assertNotEquals(0, process.exitValue());
    var output = Files.readString(log);
    assertTrue(output.contains(file.toString()), output);
    assertTrue(output.contains("contests[1].maxChoices: must be at least 1, is 0"), output);
  }
}
