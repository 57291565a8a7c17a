package io.votegate.standalone;

import io.votegate.platform.FreePorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./votegate up}: starts embedded Kafka, PostgreSQL and Redis and the three services, prints where voters and
 * newsrooms go, and runs until Ctrl-C or SIGTERM, when it stops everything gracefully.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Run the whole system on embedded Kafka, PostgreSQL and Redis.")
final class UpCommand implements Callable<Integer> {

  @Option(names = "--election", description = "demo (default), us-2020, or a definition file (docs/election-format.md; "
      + "check it with ./votegate election check); fixed by the first run in a data directory.")
  String election;

  @Option(names = "--scale", description = "Scale every county's roll by this factor (default 1; 0.001 for us-2020).")
  Double scale;

  @Option(names = "--data", description = "Data directory (default: ${DEFAULT-VALUE}).", defaultValue = ".votegate")
  Path data;

  @Option(names = "--gateway-port", description = "Voters' port (default: $VOTEGATE_GATEWAY_PORT or 8080).",
      defaultValue = "${env:VOTEGATE_GATEWAY_PORT:-8080}")
  int gatewayPort;

  @Option(names = "--tally-port", description = "Newsrooms' port (default: $VOTEGATE_TALLY_PORT or 8081).",
      defaultValue = "${env:VOTEGATE_TALLY_PORT:-8081}")
  int tallyPort;

  @Option(names = "--ballot-server-port", description = "ballot-server health and metrics (default: a free port).",
      defaultValue = "${env:VOTEGATE_BALLOT_SERVER_PORT:-0}")
  int ballotServerPort;

  @Override
  public Integer call() throws Exception {
    var wanted = new java.util.LinkedHashMap<String, Integer>();
    wanted.put("gateway", gatewayPort);
    wanted.put("tally", tallyPort);
    if (ballotServerPort != 0) {
      wanted.put("ballot-server", ballotServerPort);
    }
    for (var entry : wanted.entrySet()) {
      if (!FreePorts.available(entry.getValue())) {
        var who = entry.getKey();
        System.err.printf("Port %d for the %s is taken. Choose another with --%s-port or VOTEGATE_%s_PORT.%n",
            entry.getValue(), who, who, who.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        return 2;
      }
    }
    long began = System.nanoTime();
    var dir = new DataDir(data);
    DataDir.StoredElection chosen;
    try {
      chosen = dir.election(election, scale);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    var stored = chosen.load();
    System.out.printf("Starting Votegate (%s election, %,d voters) with data in %s …%n", stored.id(), stored.voters(),
        dir.root());
    if (ballotServerPort == 0) {
      ballotServerPort = FreePorts.pick();
    }
    var stack = LocalStack.start(new LocalStack.Settings(dir, chosen, gatewayPort, tallyPort, ballotServerPort));
    dir.writeCards(stored);

    var stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping Votegate …");
      stack.close();
      System.out.println("Votegate stopped; data kept in " + dir.root());
      stopped.countDown();
    }, "votegate-shutdown"));

    var seconds = Duration.ofNanos(System.nanoTime() - began).toMillis() / 1000.0;
    System.out.printf("""
        Votegate is ready in %.1f s.
          Voters     http://localhost:%d/
          Results    http://localhost:%d/results
          Stream     http://localhost:%d/api/v1/results/stream
          Snapshot   http://localhost:%d/api/v1/results
          Cards      %s   (or: ./votegate cards --limit 5)
          Operators  http://localhost:%d/metrics (gateway), :%d/metrics (tally), :%d/metrics (ballot-server)
        Press Ctrl-C to stop; the data stays in %s.
        """, seconds, gatewayPort, tallyPort, tallyPort, tallyPort, dir.cards(stored.id()), gatewayPort, tallyPort,
        ballotServerPort, dir.root());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
