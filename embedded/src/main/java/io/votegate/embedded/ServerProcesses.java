package io.votegate.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The processes of a server binary that work in a data directory, found through Linux's {@code /proc}: a process's
 * {@code exe} names its binary and its {@code cwd} the directory it works in (PostgreSQL and Redis both change into
 * their data directory). A pid file alone cannot say this: after a crash its PID may belong to anything by now, a
 * thread of this very JVM included.
 */
final class ServerProcesses {
  private ServerProcesses() {}

  /** Every live process of {@code binary} (a file name or its start, such as {@code redis-server}) working in {@code dir}. */
  static List<ProcessHandle> in(Path dir, String binary) {
    var directory = realPath(dir);
    if (directory.isEmpty()) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries.map(p -> p.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(pid -> is(pid, directory.get(), binary))
          .flatMap(pid -> ProcessHandle.of(pid).stream())
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Whether {@code pid} is a live process of {@code binary} working in {@code dir}. */
  static boolean is(long pid, Path dir, String binary) {
    var proc = Path.of("/proc", Long.toString(pid));
    try {
      var exe = Files.readSymbolicLink(proc.resolve("exe")).getFileName();
      var cwd = Files.readSymbolicLink(proc.resolve("cwd"));
      return exe != null && exe.toString().startsWith(binary) && cwd.equals(realPath(dir).orElse(dir));
    } catch (IOException | UnsupportedOperationException | SecurityException gone) {
      return false;
    }
  }

  /** Signals {@code process} ({@code TERM}, {@code INT}, {@code QUIT}, {@code KILL}, {@code STOP}, {@code CONT}). */
  static void signal(ProcessHandle process, String signal) {
    try {
      // "-s SIGNAL -- PID": procps' kill reads a bare "-N" after a signal as options, not as a process.
      new ProcessBuilder("kill", "-s", signal, "--", Long.toString(process.pid())).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits up to {@code within} for every one of {@code processes} to end; true if they all did. */
  static boolean awaitExit(List<ProcessHandle> processes, Duration within) {
    var deadline = System.nanoTime() + within.toNanos();
    for (var process : processes) {
      while (process.isAlive()) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        pause(50);
      }
    }
    return true;
  }

  static Optional<Path> realPath(Path dir) {
    try {
      return Optional.of(dir.toRealPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
