package io.votegate.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A real PostgreSQL (zonky's embedded binaries) whose data directory is kept between runs, started so that a start
 * that fails says why within seconds. Commits are durable (fsync, synchronous commit) unless a caller (a test) asks
 * otherwise: a ballot acknowledged as counted survives a crash of any process.
 *
 * <p>After a crash the data directory may hold what a dead server left: its pid file (whose PID may by now belong to
 * any process, a thread of this JVM included: PostgreSQL then refuses to start, "lock file already exists"), or its
 * children, still attached to its shared memory. Before each start, the server's own processes are found by their
 * binary and working directory ({@link ServerProcesses}): a live server of the directory is stopped; children of a
 * dead one are killed (they cannot work without it, and they keep a new one out); a pid file that names no server of
 * the directory is provably stale and removed. While the server starts, its process and its log are watched: a
 * server that is alive and replaying its write-ahead log is waited for as long as that takes (said once, then every
 * 10 s); one that is gone, or logged FATAL or PANIC, is reported at once with its own last lines and started again,
 * up to {@link #ATTEMPTS} times.
 */
public final class PostgresNode implements AutoCloseable {
  /** However long a live server's recovery takes: an hour is "never give up" for any log this machine can write. */
  private static final Duration STARTUP_WAIT = Duration.ofHours(1);
  /** A server that has not written its pid file this long after a start of an initialised directory has failed. */
  private static final Duration NO_SERVER = Duration.ofSeconds(10);
  static final int ATTEMPTS = 3;
  private static final String BINARY = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path dir;

  private PostgresNode(EmbeddedPostgres postgres, Path dir) {
    this.postgres = postgres;
    this.dir = dir;
  }

  /** The settings {@code up} and the bench run with: durable, sized to the machine. */
  public static Map<String, String> durableSettings() {
    var settings = new LinkedHashMap<String, String>();
    settings.put("fsync", "on");
    settings.put("synchronous_commit", "on");
    settings.put("full_page_writes", "on");
    // JIT compiles large batched statements for ~0.5 s each; the decision step never profits from it.
    settings.put("jit", "off");
    // Each ballot marks a random voter, so the roll's pages are touched all over. With the default 128 MB of buffers a
    // roll of millions is read and written back through the OS on almost every update, and after each checkpoint the
    // first change to a page logs the whole 8 KB page; with checkpoints every minute or so at full rate the decision
    // step slowed to half within minutes. So: buffers sized to the machine, and checkpoints at most every 15 minutes
    // or 4 GB of log (a longer crash recovery, which the start waits out).
    settings.put("shared_buffers", sharedBuffers());
    settings.put("max_wal_size", "4GB");
    settings.put("checkpoint_timeout", "15min");
    settings.put("listen_addresses", "127.0.0.1");
    return settings;
  }

  /**
   * Starts PostgreSQL on {@code dir} (initialised on first use) and {@code port}, its log appended to
   * {@code dir + ".log"}, its lifetime tied to this JVM's ({@link Watchdog}).
   */
  public static PostgresNode start(Path dir, int port, Map<String, String> settings) throws IOException {
    var data = dir.toAbsolutePath().normalize();
    Files.createDirectories(data);
    var log = data.resolveSibling(data.getFileName() + ".log");
    String failure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      boolean crashed = clearLeftovers(data);
      var started = startOnce(data, port, settings, log, crashed);
      if (started.node() != null) {
        return started.node();
      }
      failure = started.failure();
      System.err.println("PostgreSQL did not start (attempt " + attempt + " of " + ATTEMPTS + "); its log says:\n"
          + indent(failure));
    }
    throw new IOException("PostgreSQL did not start on " + data + " after " + ATTEMPTS + " attempts; its log ("
        + log + ") ends:\n" + indent(failure));
  }

  private record Started(PostgresNode node, String failure) {}

  /** One start, watched: the node, or the server's own last words on why it is not running. */
  private static Started startOnce(Path data, int port, Map<String, String> settings, Path log, boolean crashed)
      throws IOException {
    boolean initialised = Files.exists(data.resolve("PG_VERSION"));
    // zonky's own interlock, a file lock in this JVM: one left by a start that failed, or by a server of an earlier
    // run of this JVM, would refuse the start. No server of the directory is running now (clearLeftovers).
    Files.deleteIfExists(data.resolve("epg-lock"));
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    var builder = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPort(port)
        .setPGStartupWait(STARTUP_WAIT)
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
    settings.forEach(builder::setServerConfig);
    var start = new FutureTask<>(builder::start);
    var starter = new Thread(start, "postgres-start");
    starter.setDaemon(true);
    long began = System.nanoTime();
    starter.start();
    Waiting recovering = null;
    try (var waiting = Waiting.quietly("PostgreSQL to start")) {
      while (true) {
        try {
          var postgres = start.get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
          var node = new PostgresNode(postgres, data);
          if (recovering == null && crashed && recovering(newLog(log, logStart))) {
            System.err.println("PostgreSQL recovered after a crash (it replayed its write-ahead log in "
                + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms)");
          }
          server(data).ifPresent(server -> Watchdog.watch(server, "INT"));
          return new Started(node, null);
        } catch (java.util.concurrent.TimeoutException stillStarting) {
          // watched below
        } catch (ExecutionException e) {
          return new Started(null, lastLines(log, logStart, "(the start failed: " + e.getCause() + ")"));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while PostgreSQL started", e);
        }
        var server = server(data);
        var written = newLog(log, logStart);
        if (server.isPresent()) {
          if (recovering == null && crashed && recovering(written)) {
            recovering = Waiting.announce("PostgreSQL is recovering after a crash (replaying its write-ahead log) …",
                "PostgreSQL's crash recovery");
          }
          continue;
        }
        boolean fatal = written.contains("FATAL:") || written.contains("PANIC:");
        boolean late = initialised && System.nanoTime() - began > NO_SERVER.toNanos();
        if (fatal || late) {
          starter.interrupt(); // zonky's wait gives up at once
          return new Started(null, lastLines(log, logStart, late && !fatal
              ? "(no server process for " + data + " " + NO_SERVER.toSeconds() + " s after pg_ctl started it)" : ""));
        }
      }
    } finally {
      if (recovering != null) {
        recovering.close();
      }
    }
  }

  /** Whether the server says it is replaying its write-ahead log after a crash. */
  private static boolean recovering(String log) {
    return log.contains("was interrupted") || log.contains("not properly shut down") || log.contains("redo starts at");
  }

  /**
   * Makes the directory startable: stops a server of it still running, kills the children of a dead one, removes a
   * pid file that names no server of it. True if the last server of the directory did not stop cleanly (its pid
   * file was there).
   */
  static boolean clearLeftovers(Path data) throws IOException {
    var pidFile = data.resolve("postmaster.pid");
    boolean crashed = Files.exists(pidFile);
    var running = server(data);
    if (running.isPresent()) {
      System.err.println("Stopping a PostgreSQL left running on " + data + " (pid " + running.get().pid() + ")");
      ServerProcesses.signal(running.get(), "INT"); // a fast shutdown: it checkpoints and exits
      if (!ServerProcesses.awaitExit(List.of(running.get()), Duration.ofSeconds(60))) {
        ServerProcesses.signal(running.get(), "QUIT");
        ServerProcesses.awaitExit(List.of(running.get()), Duration.ofSeconds(10));
      }
      crashed = false;
    }
    var orphans = ServerProcesses.in(data, BINARY);
    if (!orphans.isEmpty()) {
      System.err.println("Stopping " + orphans.size() + " PostgreSQL process(es) that outlived their server on " + data
          + " (pids " + orphans.stream().map(p -> Long.toString(p.pid())).toList()
          + "): they hold its shared memory and keep a new server out");
      orphans.forEach(p -> ServerProcesses.signal(p, "KILL"));
      if (!ServerProcesses.awaitExit(orphans, Duration.ofSeconds(30))) {
        throw new IOException("PostgreSQL processes on " + data + " did not exit after SIGKILL: "
            + orphans.stream().filter(ProcessHandle::isAlive).map(p -> Long.toString(p.pid())).toList());
      }
    }
    if (Files.exists(pidFile) && server(data).isEmpty()) {
      var pid = pidOf(pidFile);
      System.err.println("Removing a stale postmaster.pid from " + data + ": "
          + pid.map(p -> "PID " + p + " is " + (ProcessHandle.of(p).isPresent() ? "another process now" : "gone"))
              .orElse("it names no process"));
      Files.deleteIfExists(pidFile);
    }
    return crashed;
  }

  /** The live postmaster of {@code data}: the pid file's PID, if that is a postgres working there. */
  static Optional<ProcessHandle> server(Path data) {
    return pidOf(data.resolve("postmaster.pid"))
        .filter(pid -> ServerProcesses.is(pid, data, BINARY))
        .flatMap(ProcessHandle::of);
  }

  private static Optional<Long> pidOf(Path pidFile) {
    try {
      var lines = Files.readAllLines(pidFile);
      var first = lines.isEmpty() ? "" : lines.get(0).trim();
      return first.matches("\\d{1,10}") ? Optional.of(Long.parseLong(first)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String newLog(Path log, long from) {
    try (var channel = java.nio.channels.FileChannel.open(log)) {
      long size = channel.size();
      if (size <= from) {
        return "";
      }
      var buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - from, 1 << 20));
      channel.read(buffer, Math.max(from, size - buffer.capacity()));
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String lastLines(Path log, long from, String note) {
    var lines = new ArrayList<>(newLog(log, from).lines().filter(l -> !l.isBlank()).toList());
    var tail = lines.subList(Math.max(0, lines.size() - 12), lines.size());
    return (String.join("\n", tail) + (note.isEmpty() ? "" : "\n" + note)).strip();
  }

  private static String indent(String text) {
    return text == null ? "" : text.lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  /** An eighth of the machine's memory, between the default 128 MB and 2 GB. */
  static String sharedBuffers() {
    long total = 0;
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      total = os.getTotalMemorySize();
    }
    long megabytes = Math.max(128, Math.min(2048, total / 8 / (1024 * 1024)));
    return megabytes + "MB";
  }

  public int port() {
    return postgres.getPort();
  }

  public Path directory() {
    return dir;
  }

  /** A JDBC URL of database {@code postgres} as superuser {@code postgres}. */
  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
