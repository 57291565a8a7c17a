package io.votegate.standalone;

import io.votegate.platform.FreePorts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Ports of the embedded servers: chosen free once, then kept across restarts while they stay free. */
final class Ports {
  private Ports() {}

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
      int port = old != null && FreePorts.available(Integer.parseInt(old)) ? Integer.parseInt(old) : FreePorts.pick();
      while (ports.containsValue(port)) {
        port = FreePorts.pick();
      }
      ports.put(name, port);
      props.setProperty(name, String.valueOf(port));
    }
    Files.createDirectories(file.getParent());
    try (var out = Files.newBufferedWriter(file)) {
      props.store(out, "Ports chosen by ./votegate up");
    }
    return ports;
  }
}
