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
          // Each ballot marks a random voter, so the roll's pages are touched all over. With the default 128 MB of
          // buffers a roll of millions is read and written back through the OS on almost every update, and after
          // each checkpoint the first change to a page logs the whole 8 KB page; at 1 GB of log a checkpoint came
          // every minute or so at full rate, and the decision step slowed to half within minutes (bench, 2026-12-02).
          // So: buffers sized to the machine, and checkpoints at most every 15 minutes or 4 GB of log (a longer
          // crash recovery, which up waits out).
          .setServerConfig("shared_buffers", sharedBuffers())
          .setServerConfig("max_wal_size", "4GB")
          .setServerConfig("checkpoint_timeout", "15min")
          .setServerConfig("listen_addresses", "127.0.0.1")
          .start());
    }
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

  int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
