package io.votegate.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * After a crash, a server we started may outlive us (PostgreSQL daemonizes; Redis is orphaned) and still hold its
 * data directory. Its pid file names it; if that process is still the server, stop it before starting anew.
 * A stale lock after a crash is not the operator's problem.
 */
final class StaleProcess {
  private StaleProcess() {}

  static void stopIfRunning(Path pidFile, String command) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    var lines = Files.readAllLines(pidFile);
    if (lines.isEmpty() || !lines.get(0).trim().matches("\\d+")) {
      return;
    }
    var process = ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
        .filter(p -> p.info().command().map(c -> c.contains(command)).orElse(false));
    if (process.isEmpty()) {
      return;
    }
    System.err.println("Stopping a " + command + " left running by an earlier crash (pid " + process.get().pid() + ")");
    process.get().destroy();
    try {
      process.get().onExit().get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      process.get().destroyForcibly();
    }
  }
}
