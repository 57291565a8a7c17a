package io.votegate.standalone;

import io.vertx.core.json.JsonObject;
import io.votegate.testkit.TempTrees;
import io.votegate.testkit.VoterClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code ./votegate up} as a user runs it: the packaged jar in its own process, on free ports and a temporary data
 * directory. Votes survive a graceful restart, and every acknowledged ballot survives kill -9 of every process.
 */
class UpCommandIT {
  private static final Path JAR = Path.of(System.getProperty("votegate.jar", "target/votegate.jar"));
  private final List<Process> processes = new ArrayList<>();
  private Path data;
  private int gatewayPort;
  private int tallyPort;
  private VoterClient voters;
  private VoterClient newsroom;
  private List<String[]> cards;
  private boolean passed;

  @AfterEach
  void killLeftovers() throws IOException {
    for (var process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    if (data != null) {
      killByPidFile(data.resolve("postgres/postmaster.pid"));
      killByPidFile(data.resolve("redis/redis.pid"));
      // A failed run's data stays, to read its logs or start `up` on it again; so does any with -Dvotegate.keepTestData.
      if (passed && !Boolean.getBoolean("votegate.keepTestData")) {
        TempTrees.delete(data);
      } else {
        System.out.println("UpCommandIT: data kept in " + data);
      }
    }
  }

  @Test
  void votesSurviveAGracefulRestartAndEveryAcknowledgedBallotSurvivesKillNine() throws Exception {
    data = Files.createTempDirectory("votegate-up");
    gatewayPort = freePort();
    tallyPort = freePort();
    voters = new VoterClient("http://127.0.0.1:" + gatewayPort);
    newsroom = new VoterClient("http://127.0.0.1:" + tallyPort);

    var first = up();
    cards = Files.readAllLines(data.resolve("cards-demo.csv")).stream().skip(1).map(l -> l.split(",")).toList();
    var receipts = new ArrayList<String>();
    for (int i = 0; i < 20; i++) {
      receipts.add(vote(cards.get(i * 97), i % 3 == 0 ? "rep" : "dem"));
    }
    for (var receipt : receipts) {
      assertEquals("counted", awaitDecision(receipt).getString("status"));
    }
    // A receipt says counted once the decision is in PostgreSQL; the tally has it once the decision's Kafka
    // transaction has committed, a few milliseconds later.
    var before = awaitSequence(20);
    assertEquals(20, presidentBallots(before));

    first.destroy(); // SIGTERM
    assertTrue(first.waitFor(60, TimeUnit.SECONDS), "up stops within a minute of SIGTERM");
    assertEquals(0, first.exitValue() == 143 ? 0 : first.exitValue());
    assertNothingLeftRunning(first);

    var second = up();
    assertEquals(before.getJsonArray("contests"), awaitSequence(before.getLong("sequence")).getJsonArray("contests"));
    var again = awaitDecision(vote(cards.get(0), "dem"));
    assertEquals("already_voted", again.getString("reason"));

    // kill -9 of every process while voters vote as fast as this test can drive them (32 at once): every ballot that
    // got a 202 must be counted, once, and the next `up` must start the first time.
    var acknowledged = new ConcurrentLinkedQueue<String>();
    var attempted = new java.util.concurrent.atomic.AtomicInteger();
    var voting = new AtomicBoolean(true);
    var next = new java.util.concurrent.atomic.AtomicInteger(2_000); // past the 20 voters above
    var threads = new ArrayList<Thread>();
    for (int t = 0; t < 32; t++) {
      var voter = new Thread(() -> {
        for (int i = next.getAndIncrement(); voting.get() && i < cards.size(); i = next.getAndIncrement()) {
          try {
            attempted.incrementAndGet();
            acknowledged.add(vote(cards.get(i), "other"));
          } catch (Exception | AssertionError e) {
            return; // the system is gone: stop voting
          }
        }
      });
      voter.start();
      threads.add(voter);
    }
    var rushing = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (acknowledged.size() < 3_000 && System.nanoTime() < rushing) {
      Thread.sleep(20);
    }
    killEverything(second);
    voting.set(false);
    for (var voter : threads) {
      voter.join(30_000);
    }
    assertTrue(acknowledged.size() >= 200, "ballots flowed before the kill: " + acknowledged.size());

    var third = up();
    assertTrue(output(third).contains("PostgreSQL is recovering after a crash")
        || output(third).contains("PostgreSQL recovered after a crash"), output(third));
    assertFalse(output(third).contains("WARN"), "a restart after a crash is quiet:\n" + output(third));
    for (var receipt : acknowledged) {
      assertEquals("counted", awaitDecision(receipt).getString("status"), "acknowledged ballot " + receipt
          + " (the tally's sequence: " + snapshot().getLong("sequence") + "; data kept in " + data + ")");
    }
    // A ballot Kafka took just before the kill may be counted without its 202 having reached the voter.
    long acked = 20 + acknowledged.size();
    awaitSequence(acked);
    Thread.sleep(1_000);
    var after = snapshot();
    var counted = presidentBallots(after);
    // First per county, so that a failure says which of tally, ballot box and roll disagrees, and where.
    reconcileByCounty(after); // tally = ballot box = voters marked, per county: nothing counted twice
    assertTrue(counted >= acked && counted <= 20 + attempted.get(),
        "counted " + counted + ", acknowledged " + acked + ", attempted " + (20 + attempted.get()));
    passed = true;
  }

  /**
   * PostgreSQL daemonizes into a session of its own and Redis outlives a JVM killed alone, so a kill -9 of up's
   * process group (Ctrl-\\, an OOM kill, a CI timeout) once left both running; one listened on after its data
   * directory was deleted. Their watchdogs stop them; the next up starts cleanly and leaves nothing when it stops.
   */
  @Test
  void killNineOfUpsProcessGroupLeavesNoServerRunning() throws Exception {
    data = Files.createTempDirectory("votegate-up");
    gatewayPort = freePort();
    tallyPort = freePort();
    voters = new VoterClient("http://127.0.0.1:" + gatewayPort);
    newsroom = new VoterClient("http://127.0.0.1:" + tallyPort);
    var first = up(true);
    cards = Files.readAllLines(data.resolve("cards-demo.csv")).stream().skip(1).map(l -> l.split(",")).toList();
    assertEquals("counted", awaitDecision(vote(cards.get(3), "dem")).getString("status"));
    assertFalse(serversIn(data).isEmpty(), "PostgreSQL and Redis run under up");

    var stat = Files.readString(Path.of("/proc", Long.toString(first.pid()), "stat"));
    assertEquals(Long.toString(first.pid()), stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2],
        "up leads its own process group"); // else the kill below would reach another group
    // "kill -KILL -PGID" is not a group kill for procps' kill: it may read "-PGID" as more options, and one such
    // reading is -1, every process. Only "-s SIGNAL -- -PGID" means the group.
    new ProcessBuilder("kill", "-s", "KILL", "--", "-" + first.pid()).start().waitFor(); // the whole group
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    while (!serversIn(data).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(List.of(), serversIn(data), "servers left running after kill -9 of up's process group");

    var second = up(true);
    assertEquals("already_voted", awaitDecision(vote(cards.get(3), "rep")).getString("reason"));
    second.destroy();
    assertTrue(second.waitFor(60, TimeUnit.SECONDS));
    assertEquals(List.of(), serversIn(data), "servers left running after up stopped");
    passed = true;
  }

  @Test
  void aTakenPortIsReportedClearly() throws Exception {
    data = Files.createTempDirectory("votegate-up");
    try (var taken = new ServerSocket(0)) {
      var process = new ProcessBuilder("java", "-jar", JAR.toString(), "up", "--data", data.toString(),
          "--gateway-port", String.valueOf(taken.getLocalPort()), "--tally-port", String.valueOf(freePort()))
          .redirectErrorStream(true).start();
      processes.add(process);
      assertTrue(process.waitFor(60, TimeUnit.SECONDS));
      var output = new String(process.getInputStream().readAllBytes());
      assertEquals(2, process.exitValue(), output);
      assertTrue(output.contains("Port " + taken.getLocalPort() + " for the gateway is taken"), output);
    }
    passed = true;
  }

  // --- helpers ----------------------------------------------------------------------------------------------------

  private Process up() throws Exception {
    return up(false);
  }

  /** {@code ./votegate up}; in a session (and process group) of its own if {@code ownGroup}, as a shell starts it. */
  private Process up(boolean ownGroup) throws Exception {
    var log = data.resolve("up-" + processes.size() + ".log");
    var command = new ArrayList<>(List.of("java", "-jar", JAR.toString(), "up", "--data", data.toString(),
        "--gateway-port", String.valueOf(gatewayPort), "--tally-port", String.valueOf(tallyPort)));
    if (ownGroup) {
      command.add(0, "setsid"); // setsid execs java, which keeps its PID and leads the new group
    }
    var process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(process);
    var deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      var output = Files.readString(log);
      if (output.contains("Votegate is ready")) {
        return process;
      }
      if (!process.isAlive()) {
        fail("up exited with " + process.exitValue() + ":\n" + output);
      }
      Thread.sleep(100);
    }
    fail("up was not ready within 3 minutes:\n" + Files.readString(log));
    return null;
  }

  private String output(Process process) throws IOException {
    return Files.readString(data.resolve("up-" + processes.indexOf(process) + ".log"));
  }

  private void killEverything(Process process) throws IOException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    killByPidFile(data.resolve("postgres/postmaster.pid")); // PostgreSQL daemonizes: not a descendant
    killByPidFile(data.resolve("redis/redis.pid"));
  }

  /** Kills the server a pid file names, if that PID is still the server: PIDs are reused, here within minutes. */
  private static void killByPidFile(Path pidFile) throws IOException {
    if (Files.exists(pidFile)) {
      var pid = Files.readAllLines(pidFile).get(0).trim();
      ProcessHandle.of(Long.parseLong(pid)).filter(p -> p.info().command()
          .map(c -> c.contains("postgres") || c.contains("redis-server")).orElse(false)).ifPresent(p -> {
        p.destroyForcibly();
        p.onExit().join();
      });
    }
  }

  private void assertNothingLeftRunning(Process process) throws Exception {
    assertEquals(0, process.descendants().filter(ProcessHandle::isAlive).count());
    assertEquals(List.of(), serversIn(data));
  }

  /** The PostgreSQL and Redis processes working in {@code dir} or below, as "pid exe cwd". */
  private static List<String> serversIn(Path dir) throws IOException {
    var root = dir.toRealPath();
    var found = new ArrayList<String>();
    try (var entries = Files.list(Path.of("/proc"))) {
      for (var proc : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          var exe = Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString();
          var cwd = Files.readSymbolicLink(proc.resolve("cwd"));
          if ((exe.startsWith("postgres") || exe.startsWith("redis-server")) && cwd.startsWith(root)) {
            found.add(proc.getFileName() + " " + exe + " " + cwd);
          }
        } catch (IOException gone) {
          // ended meanwhile, or not ours to read
        }
      }
    }
    return found;
  }

  private String vote(String[] card, String candidate) throws Exception {
    return voters.vote(card[0], card[1], "{\"selections\":{\"president\":[\"" + candidate + "\"]}}");
  }

  private JsonObject awaitDecision(String receipt) throws Exception {
    return voters.awaitDecision(receipt, Duration.ofSeconds(90));
  }

  private JsonObject awaitSequence(long sequence) throws Exception {
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    var snapshot = snapshot();
    while (snapshot.getLong("sequence") < sequence && System.nanoTime() < deadline) {
      Thread.sleep(100);
      snapshot = snapshot();
    }
    return snapshot;
  }

  private JsonObject snapshot() throws Exception {
    return newsroom.getJson("/api/v1/results?level=county");
  }

  private static long presidentBallots(JsonObject snapshot) {
    return snapshot.getJsonArray("contests").getJsonObject(0).getLong("ballots");
  }

  /** For every county: tally = ballot box = voters marked voted. */
  private void reconcileByCounty(JsonObject snapshot) throws Exception {
    var tallied = new HashMap<String, Long>();
    snapshot.getJsonArray("contests").getJsonObject(0).getJsonArray("states").forEach(s ->
        ((JsonObject) s).getJsonArray("counties").forEach(c ->
            tallied.put(((JsonObject) c).getString("fips"), ((JsonObject) c).getLong("ballots"))));
    var port = Files.readAllLines(data.resolve("postgres.ports")).stream().filter(l -> l.startsWith("postgres="))
        .findFirst().orElseThrow().substring("postgres=".length());
    try (var conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "")) {
      for (var query : List.of("SELECT county, count(*) FROM ballot_box GROUP BY county",
          "SELECT county, count(*) FROM voters WHERE status = 'voted' GROUP BY county")) {
        var counted = new HashMap<String, Long>();
        try (var rs = conn.createStatement().executeQuery(query)) {
          while (rs.next()) {
            counted.put(rs.getString(1), rs.getLong(2));
          }
        }
        tallied.forEach((county, n) -> assertEquals(n, counted.getOrDefault(county, 0L), query + " for " + county));
        assertEquals(tallied.values().stream().mapToLong(Long::longValue).sum(),
            counted.values().stream().mapToLong(Long::longValue).sum(), query);
      }
    }
  }

  private static int freePort() {
    return io.votegate.platform.FreePorts.pick();
  }
}
