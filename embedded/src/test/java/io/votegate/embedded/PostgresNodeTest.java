package io.votegate.embedded;

import io.votegate.platform.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each way a start on a crashed data directory used to wait blind for an hour, reproduced on a real PostgreSQL: the
 * start recovers, or fails within seconds in the server's own words.
 */
class PostgresNodeTest {
  private Path tree;
  private Path data;
  private int port;
  private PostgresNode node;

  @BeforeEach
  void directory() throws IOException {
    tree = Files.createTempDirectory("votegate-pg-test");
    data = tree.resolve("data");
    port = FreePorts.pick();
  }

  @AfterEach
  void cleanUp() throws IOException {
    if (node != null) {
      node.close();
    }
    ServerProcesses.in(data, "postgres").forEach(p -> ServerProcesses.signal(p, "KILL"));
    try (Stream<Path> paths = Files.walk(tree)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aServerWhoseChildrenOutliveItsKilledPostmasterStartsAgain() throws Exception {
    node = PostgresNode.start(data, port, Map.of());
    var postmaster = PostgresNode.server(data).orElseThrow();
    var child = ServerProcesses.in(data, "postgres").stream().filter(p -> p.pid() != postmaster.pid())
        .findFirst().orElseThrow();
    ServerProcesses.signal(child, "STOP"); // stopped, it cannot notice its postmaster's death: it keeps the memory
    ServerProcesses.signal(postmaster, "KILL");
    assertTrue(ServerProcesses.awaitExit(List.of(postmaster), Duration.ofSeconds(10)));
    assertTrue(child.isAlive());
    node = null;

    long began = System.nanoTime();
    node = PostgresNode.start(data, port, Map.of());
    assertFalse(child.isAlive(), "the orphan holding the shared memory was stopped");
    assertEquals(1, query("SELECT 1"));
    assertTrue(Duration.ofNanos(System.nanoTime() - began).toSeconds() < 60);
  }

  @Test
  void aStalePidFileWhosePidIsAnotherProcessNowIsRemovedAndTheServerStarts() throws Exception {
    node = PostgresNode.start(data, port, Map.of());
    node.close();
    node = null;
    // After a crash, the PID in the pid file may be any process by now, a thread of this JVM included: PostgreSQL
    // itself then refuses to start ("lock file already exists").
    var me = ProcessHandle.current().pid();
    Files.writeString(data.resolve("postmaster.pid"), me + "\n" + data + "\n1765000000\n" + port
        + "\n/tmp\n127.0.0.1\n  5432001         0\nready   \n");

    node = PostgresNode.start(data, port, Map.of());
    assertEquals(1, query("SELECT 1"));
    assertNotEquals(me, PostgresNode.server(data).orElseThrow().pid());
  }

  @Test
  void aServerThatExitsAtOnceWithAFatalErrorIsReportedWithinSecondsInItsOwnWords() throws Exception {
    node = PostgresNode.start(data, port, Map.of());
    node.close();
    node = null;

    long began = System.nanoTime();
    var failure = assertThrows(IOException.class,
        () -> node = PostgresNode.start(data, port, Map.of("shared_buffers", "banana")));
    var seconds = Duration.ofNanos(System.nanoTime() - began).toSeconds();
    assertTrue(failure.getMessage().contains("invalid value for parameter \"shared_buffers\""), failure.getMessage());
    assertTrue(failure.getMessage().contains("FATAL"), failure.getMessage());
    assertTrue(seconds < 60, "failed after " + seconds + " s, not an hour");
    assertTrue(PostgresNode.server(data).isEmpty());
  }

  @Test
  void aServerLeftRunningOnTheDirectoryIsStoppedAndStartedAgain() throws Exception {
    var first = PostgresNode.start(data, port, Map.of()); // never closed, as after a crash of its JVM
    var old = PostgresNode.server(data).orElseThrow();

    node = PostgresNode.start(data, port, Map.of());
    assertFalse(old.isAlive());
    assertEquals(1, query("SELECT 1"));
  }

  @Test
  void aWatchdogStopsItsServerWhenTheProcessThatStartedItDies() throws Exception {
    var owner = new ProcessBuilder("sleep", "600").start();
    var server = new ProcessBuilder("sleep", "600").start();
    try {
      Watchdog.watch(server.toHandle(), "TERM", owner.pid());
      Thread.sleep(1_500);
      assertTrue(server.isAlive(), "the server runs while its owner does");
      owner.destroyForcibly();
      assertTrue(ServerProcesses.awaitExit(List.of(server.toHandle()), Duration.ofSeconds(10)),
          "the server stopped within seconds of its owner's death");
    } finally {
      owner.destroyForcibly();
      server.destroyForcibly();
    }
  }

  private long query(String sql) throws Exception {
    try (var conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
         var rs = conn.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
