package io.votegate.standalone;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Port choices: free ones for the embedded servers (kept across restarts), and a clear check for the public ones. */
final class Ports {
  private Ports() {}

  static int free() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static boolean available(int port) {
    try (var socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The ports used last time, where still free; new free ones otherwise. */
  static Map<String, Integer> remembered(Path file, String... names) throws IOException {
    var props = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newBufferedReader(file)) {
        props.load(in);
      }
    }
    var ports = new LinkedHashMap<String, Integer>();
    for (var name : names) {
      var old = props.getProperty(name);
      int port = old != null && available(Integer.parseInt(old)) ? Integer.parseInt(old) : free();
      while (ports.containsValue(port)) {
        port = free();
      }
      ports.put(name, port);
      props.setProperty(name, String.valueOf(port));
    }
    try (var out = Files.newBufferedWriter(file)) {
      props.store(out, "Ports chosen by ./votegate up");
    }
    return ports;
  }
}
