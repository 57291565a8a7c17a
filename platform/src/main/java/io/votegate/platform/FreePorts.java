package io.votegate.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Free ports for servers that a process starts itself (the embedded system, tests). */
public final class FreePorts {
  private FreePorts() {}

  /**
   * A free port below the kernel's ephemeral range. A port from {@code new ServerSocket(0)} lies inside that range,
   * where any outgoing connection (to Kafka, PostgreSQL, Redis) may take it before the server binds it.
   */
  public static int pick() {
    int below = ephemeralLow();
    var random = ThreadLocalRandom.current();
    for (int i = 0; i < 200; i++) {
      int port = random.nextInt(10_000, below);
      if (available(port)) {
        return port;
      }
    }
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  public static boolean available(int port) {
    try (var socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralLow() {
    try {
      // procfs reports a size of 0, so read lines, not a sized buffer.
      var range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
      return Math.max(10_001, Integer.parseInt(range[0]));
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
