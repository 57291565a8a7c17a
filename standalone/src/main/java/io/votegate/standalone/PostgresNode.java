package io.votegate.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL (zonky's embedded binaries) whose data directory is kept between runs. Commits are durable
 * (fsync, synchronous commit): a ballot acknowledged as counted survives a crash of any process.
 */
final class PostgresNode implements AutoCloseable {
  /** However long recovery takes: an hour is "never give up" for any log this machine can write. */
  private static final Duration STARTUP_WAIT = Duration.ofHours(1);
  private final EmbeddedPostgres postgres;

  private PostgresNode(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static PostgresNode start(Path dir) throws IOException {
    Files.createDirectories(dir);
    StaleProcess.stopIfRunning(dir.resolve("postmaster.pid"), "postgres");
    var port = Ports.remembered(dir.getParent().resolve("postgres.ports"), "postgres").get("postgres");
    // PostgreSQL removes its pid file when it stops cleanly: one still here means it crashed, and it replays its
    // write-ahead log before it takes a connection (all of it since the last checkpoint: up to gigabytes after a
    // busy stretch). The starter's default wait of 10 s gave up on that recovery, and with it the whole `up`.
    var crashed = Files.exists(dir.resolve("postmaster.pid"));
    try (var waiting = crashed
        ? Waiting.announce("PostgreSQL is recovering after a crash (replaying its write-ahead log) …",
            "PostgreSQL's crash recovery")
        : Waiting.quietly("PostgreSQL to start")) {
      return new PostgresNode(EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false)
          .setPort(port)
          .setPGStartupWait(STARTUP_WAIT)
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          // JIT compiles large batched statements for ~0.5 s each; the decision step never profits from it.
          .setServerConfig("jit", "off")
          .setServerConfig("listen_addresses", "127.0.0.1")
          .start());
    }
  }

  int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
