package io.votegate.standalone;

import io.gatling.app.Gatling$;
import io.votegate.platform.FreePorts;
import io.votegate.testkit.TempTrees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A smoke run of every Gatling scenario, assertions on, against the whole system as {@code up} runs it (the demo
 * election, in this process): seconds each, at a low rate. Each scenario takes voters nobody else used.
 */
class GatlingSmokeTest {
  private static LocalStack stack;
  private static Path data;
  private static int gatewayPort;
  private static int tallyPort;
  private static final int SESSION_TTL_SECONDS = 3;

  @BeforeAll
  static void up() throws Exception {
    data = Files.createTempDirectory("votegate-gatling");
    gatewayPort = FreePorts.pick();
    tallyPort = FreePorts.pick();
    var dir = new DataDir(data);
    var chosen = dir.election("demo", null);
    stack = LocalStack.servers(new LocalStack.Settings(dir, chosen, gatewayPort, tallyPort, FreePorts.pick()));
    stack.startBallotServer(Map.of());
    stack.startTally();
    // Sessions short enough for BadInput to wait one out and try its expired token.
    stack.startGateway(Map.of("VOTEGATE_SESSION_TTL", "PT" + SESSION_TTL_SECONDS + "S"));
    dir.writeCards(chosen.load());
  }

  @AfterAll
  static void down() throws Exception {
    stack.close();
    TempTrees.delete(data);
  }

  // A simulation that crashes inside Gatling's injector never returns: fail the test instead of the build hanging.
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @ParameterizedTest(name = "{0} passes its assertions")
  @CsvSource({"VoteStorm, 0", "DuplicateAttack, 1000", "BadInput, 2000", "ElectionDay, 3000", "Newsroom, 7000"})
  void everyScenarioPassesItsSmokeRun(String scenario, long cardsSkip) {
    System.setProperty("gateway", "http://127.0.0.1:" + gatewayPort);
    System.setProperty("tally", "http://127.0.0.1:" + tallyPort);
    System.setProperty("cards", data.resolve("cards-demo.csv").toString());
    System.setProperty("cardsSkip", String.valueOf(cardsSkip));
    System.setProperty("testType", "smoke");
    System.setProperty("sessionTtl", String.valueOf(SESSION_TTL_SECONDS));
    int status = Gatling$.MODULE$.fromArgs(new String[] {
        "-s", "io.votegate.loadtest.gatling." + scenario,
        "-rf", Path.of("target", "gatling-smoke").toAbsolutePath().toString(),
        "-rd", scenario + " smoke"});
    assertEquals(0, status, scenario + " failed its assertions (report under target/gatling-smoke)");
  }
}
