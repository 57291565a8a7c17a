package io.votegate.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ties a server's lifetime to this JVM's. PostgreSQL daemonizes into a session of its own, and Redis outlives a JVM
 * that is killed alone, so {@code kill -9} of {@code up} (or of its whole process group) used to leave them running,
 * one of them listening on after its data directory was deleted. A watchdog is a small shell loop in a session of its
 * own (so the group kill does not reach it): once this JVM is gone it stops the server with {@code signal} (a clean,
 * fast shutdown), then kills it if it has not stopped within 30 s. It ends by itself when the server ends.
 *
 * <p>This JVM is recognised by its PID and its start time ({@code /proc/PID/stat}, field 22), so a PID reused by
 * another process does not keep the server alive.
 */
final class Watchdog {
  private Watchdog() {}

  /** Shell builtins but for one {@code sleep} every 2 s: PIDs are few here (pid_max 32,768), and JVMs use many. */
  private static final String LOOP = """
      owner=$1; born=$2; server=$3; signal=$4
      alive() {
        read -r stat < /proc/$owner/stat || return 1
        set -- ${stat##*) }
        shift 19
        [ "$1" = "$born" ]
      }
      while kill -0 "$server" 2>/dev/null; do
        if ! alive 2>/dev/null; then
          kill -"$signal" "$server" 2>/dev/null
          i=0
          while kill -0 "$server" 2>/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done
          kill -KILL "$server" 2>/dev/null
          exit 0
        fi
        sleep 2
      done
      """;

  /** Starts the watchdog of {@code server}; {@code signal} is the server's clean, fast shutdown (e.g. {@code INT}). */
  static void watch(ProcessHandle server, String signal) {
    watch(server, signal, ProcessHandle.current().pid());
  }

  /** The watchdog of {@code server} while process {@code owner} lives. */
  static void watch(ProcessHandle server, String signal, long owner) {
    try {
      new ProcessBuilder("setsid", "sh", "-c", LOOP, "votegate-watchdog", Long.toString(owner), startTime(owner),
          Long.toString(server.pid()), signal)
          .directory(Path.of("/").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the watchdog of server " + server.pid(), e);
    }
  }

  /** The kernel's start time of {@code pid} (clock ticks since boot): with the PID, it names one process for good. */
  static String startTime(long pid) {
    try {
      var stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) is in parentheses and may hold spaces; the fields after it are plain.
      var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return fields[22 - 3];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
