package io.votegate.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CpuMeterTest {

  @Test
  void threadsAreToldApartByTheNamesLinuxShortensThemTo() {
    assertEquals("load generator", CpuMeter.component(Benchmark.LOAD_THREAD));
    assertEquals("event loops (gateway HTTP, tally SSE)", CpuMeter.component("vert.x-eventloo"));
    assertEquals("ballot-server decision loop", CpuMeter.component("ballot-server-d"));
    assertEquals("Kafka clients' I/O threads", CpuMeter.component("kafka-producer-"));
    assertEquals("JVM garbage collector", CpuMeter.component("GC Thread#1"));
    assertEquals("JVM JIT compiler", CpuMeter.component("C2 CompilerThre"));
    assertEquals("Kafka broker (in this process)", CpuMeter.component("data-plane-kafk"),
        "the broker's threads have names of every kind: the rest is the broker's");
  }

  @Test
  void aStatLineIsReadAfterItsNameEvenWhenTheNameHoldsSpacesAndParentheses(@TempDir Path dir) throws Exception {
    var stat = dir.resolve("stat");
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    Files.writeString(stat, "4242 (postgres: a (b) c) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0\n");
    var read = CpuMeter.Stat.of(stat);
    assertEquals("postgres: a (b) c", read.name());
    assertEquals(17, read.parent());
    assertEquals(3_000_000_000L, read.ownNanos(), "300 ticks of 10 ms");
    assertEquals(100_000_000L, read.childrenNanos());
    assertNull(CpuMeter.Stat.of(dir.resolve("gone")), "a thread that ended meanwhile is skipped");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aBusyThreadOfThisProcessShowsInItsComponentAndAServerProcessBySomeOtherName(@TempDir Path dir) throws Exception {
    var pidFile = dir.resolve("self.pid");
    Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
    var meter = new CpuMeter(Map.of("this process, as a server", pidFile, "not running", dir.resolve("none.pid")));
    var before = meter.read();
    var spinning = new java.util.concurrent.atomic.AtomicBoolean(true);
    var busy = new Thread(() -> {
      long x = 0;
      while (spinning.get()) {
        x += System.nanoTime() % 7;
      }
      assertTrue(x >= 0);
    }, "ballot-server-probe");
    busy.start();
    // Until it has had 200 ms of CPU, however busy the machine is.
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    var deadline = System.nanoTime() + 30_000_000_000L;
    while (threads.getThreadCpuTime(busy.getId()) < 200_000_000L && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    // Read while it still runs: a thread that has ended is gone from /proc, and with it its time.
    var spent = meter.read().since(before);
    spinning.set(false);
    busy.join();
    assertTrue(spent.getOrDefault("ballot-server decision loop", 0L) >= 100_000_000L, spent.toString());
    assertTrue(spent.getOrDefault("this process, as a server", 0L) >= 100_000_000L, spent.toString());
    assertFalse(spent.containsKey("not running"));
  }
}
