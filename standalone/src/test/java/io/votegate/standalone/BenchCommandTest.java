package io.votegate.standalone;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code ./votegate bench --quick} on a stack of its own writes the three reports with every measurement in them.
 * Only their shape is checked here: numbers belong to the machine that measured them, not to a test.
 */
class BenchCommandTest {

  @Test
  void theQuickBenchWritesEveryMeasurementIntoTheThreeReports(@TempDir Path out) throws Exception {
    int status = new CommandLine(new Votegate()).execute("bench", "--quick", "--out", out.toString());
    assertEquals(0, status);

    var json = new JsonObject(Files.readString(out.resolve("bench-report.json")));
    for (var key : List.of("machine", "signIn", "intake", "ballotServerAlone", "tallyReplay", "endToEnd", "freshness",
        "fanOut", "loadGenerator")) {
      assertTrue(json.containsKey(key), "the JSON report has " + key + ": " + json.fieldNames());
    }
    var conditions = json.getJsonArray("intake").stream().map(i -> ((JsonObject) i).getString("condition")).toList();
    assertTrue(conditions.contains("paused") && conditions.contains("pipeline running"), conditions.toString());
    for (var i : json.getJsonArray("intake")) {
      var intake = (JsonObject) i;
      assertTrue(intake.getJsonObject("bare").getLong("perSecond") > 0, "the baseline was measured: " + intake);
      assertTrue(intake.containsKey("ratio"));
    }
    assertFalse(json.getJsonObject("endToEnd").getJsonArray("steps").isEmpty(), "end-to-end steps with their lag");
    var costs = json.getJsonObject("endToEnd").getJsonArray("cpuPerBallot").stream().map(c -> (JsonObject) c)
        .collect(java.util.stream.Collectors.toMap(c -> c.getString("component"), c -> c.getDouble("microsPerBallot")));
    for (var component : List.of("load generator", "event loops (gateway HTTP, tally SSE)", "ballot-server decision loop",
        "PostgreSQL (all its processes)", "Redis", "total")) {
      assertTrue(costs.getOrDefault(component, 0.0) > 0, "the hold's CPU per ballot names " + component + ": " + costs);
    }
    assertTrue(json.getJsonObject("freshness").getLong("ballots") > 0);
    assertTrue(json.getJsonObject("fanOut").getInteger("subscribers") > 0);
    assertTrue(json.getJsonObject("loadGenerator").getDouble("cpuSeconds") > 0);

    var markdown = Files.readString(out.resolve("bench-report.md"));
    assertTrue(markdown.contains("| measure | result | goal |"), markdown);
    assertTrue(markdown.contains("end-to-end, sustained with flat lag") && markdown.contains("freshness"), markdown);
    assertTrue(markdown.contains("| component | share of one core | CPU per ballot |"), markdown);
    var svg = Files.readString(out.resolve("bench-report.svg"));
    assertTrue(svg.startsWith("<svg") && svg.contains("<polyline"), svg);
  }
}
