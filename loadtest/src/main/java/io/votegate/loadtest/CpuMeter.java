package io.votegate.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time by component, read from Linux's {@code /proc}: this process's threads grouped by their names (the load
 * generator, the services' event loops, the decision loop, the broker, the JVM's own), and the stack's server
 * processes (PostgreSQL with its backends, Redis). Two readings around a load give what each ballot cost, and where:
 * a measure that a noisy, shared machine disturbs far less than a rate. A thread of this process that ends between
 * two readings takes its time with it (the services' threads live as long as the stack). Elsewhere than Linux every
 * reading is empty.
 */
final class CpuMeter {
  /** Linux reports process times in clock ticks of 1/100 s on every architecture Java runs on. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  /** Thread-name prefixes, as {@code /proc} shortens names (15 characters), to the component they belong to. */
  private static final List<Map.Entry<String, String>> THREADS = List.of(
      Map.entry(Benchmark.LOAD_THREAD, "load generator"),
      Map.entry("vert.x-eventloo", "event loops (gateway HTTP, tally SSE)"),
      Map.entry("ballot-server", "ballot-server decision loop"),
      Map.entry("tally-", "tally feed"),
      Map.entry("kafka-producer", "Kafka clients' I/O threads"),
      Map.entry("kafka-coordinat", "Kafka clients' I/O threads"),
      Map.entry("kafka-admin-cli", "Kafka clients' I/O threads"),
      Map.entry("GC Thread", "JVM garbage collector"),
      Map.entry("G1 ", "JVM garbage collector"),
      Map.entry("C1 CompilerThre", "JVM JIT compiler"),
      Map.entry("C2 CompilerThre", "JVM JIT compiler"),
      Map.entry("vert.x-", "other"),
      Map.entry("metrics-", "other"));

  /** Nanoseconds of CPU by component since each thread or process began. */
  record Reading(Map<String, Long> nanos) {
    /** CPU by component between {@code earlier} and this reading. */
    Map<String, Long> since(Reading earlier) {
      var spent = new TreeMap<String, Long>();
      nanos.forEach((component, total) -> spent.put(component, total - earlier.nanos.getOrDefault(component, 0L)));
      spent.values().removeIf(n -> n <= 0);
      return spent;
    }
  }

  /** Server processes by the name the report gives them, each by its pid file. */
  private final Map<String, Path> servers;

  CpuMeter(Map<String, Path> servers) {
    this.servers = servers;
  }

  Reading read() {
    var nanos = new LinkedHashMap<String, Long>();
    for (var task : list(Path.of("/proc/self/task"))) {
      var stat = Stat.of(task.resolve("stat"));
      if (stat != null) {
        nanos.merge(component(stat.name()), stat.ownNanos(), Long::sum);
      }
    }
    servers.forEach((name, pidFile) -> {
      long pid = pid(pidFile);
      if (pid > 0) {
        nanos.merge(name, processTreeNanos(pid), Long::sum);
      }
    });
    return new Reading(nanos);
  }

  /**
   * Which component a thread of this process belongs to: the broker runs in this process too, and every thread not
   * named above is one of its own.
   */
  static String component(String threadName) {
    return THREADS.stream().filter(e -> threadName.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst()
        .orElse(threadName.equals("VM Thread") || threadName.startsWith("VM ") ? "JVM garbage collector"
            : "Kafka broker (in this process)");
  }

  /** A process and its children (a PostgreSQL postmaster and its backends, those gone included). */
  private static long processTreeNanos(long pid) {
    var parent = Stat.of(Path.of("/proc", String.valueOf(pid), "stat"));
    if (parent == null) {
      return 0;
    }
    long total = parent.ownNanos() + parent.childrenNanos();
    for (var process : list(Path.of("/proc"))) {
      var name = process.getFileName().toString();
      if (name.chars().allMatch(Character::isDigit) && !name.equals(String.valueOf(pid))) {
        var stat = Stat.of(process.resolve("stat"));
        if (stat != null && stat.parent() == pid) {
          total += stat.ownNanos();
        }
      }
    }
    return total;
  }

  private static long pid(Path pidFile) {
    try {
      var first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
      return first.chars().allMatch(Character::isDigit) && !first.isEmpty() ? Long.parseLong(first) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static List<Path> list(Path dir) {
    try (var entries = Files.list(dir)) {
      return entries.toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** The fields of {@code /proc/.../stat} this meter reads (proc(5)). */
  record Stat(String name, long parent, long ownNanos, long childrenNanos) {
    static Stat of(Path file) {
      try {
        var text = Files.readString(file);
        // The name is in parentheses and may hold spaces and parentheses itself: the fields follow the last ')'.
        var name = text.substring(text.indexOf('(') + 1, text.lastIndexOf(')'));
        var fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        return new Stat(name, Long.parseLong(fields[1]),
            (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK,
            (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * NANOS_PER_TICK);
      } catch (IOException | RuntimeException e) {
        return null; // gone meanwhile, or not Linux
      }
    }
  }
}
