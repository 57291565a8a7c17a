package io.votegate.standalone;

import redis.embedded.RedisServer;

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
        .port(port)
        .bind("127.0.0.1")
        .setting("dir " + dir)
        .setting("appendonly yes")
        .setting("appendfsync everysec")
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
