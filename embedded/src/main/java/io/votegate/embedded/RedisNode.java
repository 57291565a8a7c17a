package io.votegate.embedded;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Redis (the embedded-redis binary) on a directory of its own. {@link #durable} is how {@code up} and the bench
 * run it, with its append-only file there; {@link #ephemeral} how tests do. Its lifetime is tied to this JVM's
 * ({@link Watchdog}), and a Redis still running on the directory (an earlier crash) is stopped first.
 */
public final class RedisNode implements AutoCloseable {
  private final RedisServer server;
  private final int port;

  private RedisNode(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  private static final String BINARY = "redis-server";

  /** Durable Redis on {@code dir} and {@code port}: every write on disk before Redis answers. */
  public static RedisNode durable(Path dir, int port) throws IOException {
    return start(dir, port, true);
  }

  /** Redis for a test: in memory only, nothing written to disk. */
  public static RedisNode ephemeral(Path dir, int port) throws IOException {
    return start(dir, port, false);
  }

  private static RedisNode start(Path dir, int port, boolean durable) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    var pidFile = dir.resolve("redis.pid");
    var leftovers = ServerProcesses.in(dir, BINARY);
    if (!leftovers.isEmpty()) {
      System.err.println("Stopping a Redis left running on " + dir + " by an earlier crash (pid "
          + leftovers.get(0).pid() + ")");
      leftovers.forEach(ProcessHandle::destroy);
      if (!ServerProcesses.awaitExit(leftovers, Duration.ofSeconds(30))) {
        leftovers.forEach(ProcessHandle::destroyForcibly);
        ServerProcesses.awaitExit(leftovers, Duration.ofSeconds(10));
      }
    }
    var server = (durable ? durableBuilder(dir) : RedisServer.newRedisServer()
        .setting("save \"\"").setting("appendonly no"))
        .executableProvider(ExecutableProvider.newJarResourceProvider(dir.toFile()))
        .port(port)
        .bind("127.0.0.1")
        .setting("dir " + dir)
        .setting("pidfile " + pidFile)
        .setting("daemonize no")
        .build();
    server.start();
    var node = new RedisNode(server, port);
    ServerProcesses.in(dir, BINARY).forEach(p -> Watchdog.watch(p, "TERM"));
    return node;
  }

  private static redis.embedded.core.RedisServerBuilder durableBuilder(Path dir) {
    return RedisServer.newRedisServer()
        .setting("appendonly yes")
        // A receipt's status is written here before its batch commits in Kafka, and never again: Redis must not
        // acknowledge a write it could lose. With everysec it may (it answers while an fsync is under way and writes
        // the file up to 2 s later): after kill -9, 11 committed statuses were missing and their receipts said
        // pending forever. With always, each round of commands (a batch's whole pipeline) is written and fsynced
        // once before Redis answers.
        .setting("appendfsync always")
        // The append-only file is what survives a crash. Redis also snapshots the whole dataset by default, forking
        // every minute under load to write it all again: at 10,000 ballots/s that was ~15 µs of CPU a ballot, more
        // than Redis's own work, for a second copy nothing reads.
        .setting("save \"\"")
        // No automatic rewrites of the file. Redis rewrites it each time it doubles, to drop overwritten keys, but a
        // receipt is written once and never changed: a rewrite forks and writes every receipt again into a file
        // 80 % of the size (4.6 µs of CPU a receipt over a full bench), and its writes slowed the fsyncs that
        // batches wait on (132 ms). Once receipts expire, after the election, BGREWRITEAOF drops them.
        .setting("auto-aof-rewrite-percentage 0")
        // For that rewrite: compressing each status (LZF) doubled its CPU (4.3 against 2.0 µs a receipt) for a file
        // only 10 % smaller.
        .setting("rdbcompression no");
  }

  public int port() {
    return port;
  }

  /** Stops Redis; a durable one keeps its file for the next start. */
  public void stop() throws IOException {
    server.stop();
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException {
    server.stop();
  }
}
