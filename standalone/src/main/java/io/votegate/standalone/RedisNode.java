package io.votegate.standalone;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real Redis (the embedded-redis binary) with its append-only file under the data directory. */
final class RedisNode implements AutoCloseable {
  private final RedisServer server;
  private final int port;

  private RedisNode(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  static RedisNode start(Path dir) throws IOException {
    Files.createDirectories(dir);
    var pidFile = dir.resolve("redis.pid");
    StaleProcess.stopIfRunning(pidFile, "redis-server");
    int port = Ports.remembered(dir.resolve("ports.properties"), "redis").get("redis");
    var server = RedisServer.newRedisServer()
        // The binary is copied next to the data at each start: by default each start left 9 MB in a temp directory.
        .executableProvider(ExecutableProvider.newJarResourceProvider(dir.toFile()))
        .port(port)
        .bind("127.0.0.1")
        .setting("dir " + dir)
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
        .setting("rdbcompression no")
        .setting("pidfile " + pidFile)
        .setting("daemonize no")
        .build();
    server.start();
    return new RedisNode(server, port);
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException {
    server.stop();
  }
}
