package io.votegate.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL (zonky's embedded binaries) whose data directory is kept between runs. Commits are durable
 * (fsync, synchronous commit): a ballot acknowledged as counted survives a crash of any process.
 */
final class PostgresNode implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private PostgresNode(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static PostgresNode start(Path dir) throws IOException {
    Files.createDirectories(dir);
    StaleProcess.stopIfRunning(dir.resolve("postmaster.pid"), "postgres");
    var port = Ports.remembered(dir.getParent().resolve("postgres.ports"), "postgres").get("postgres");
    return new PostgresNode(EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPort(port)
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        // JIT compiles large batched statements for ~0.5 s each; the decision step never profits from it.
        .setServerConfig("jit", "off")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start());
  }

  int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
