package io.votegate.k8s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The three renderings operators can deploy or build on: the base and both overlays, each rendered once. */
final class Rendered {
  static final List<String> ALL = List.of("base", "overlays/dev", "overlays/production");
  private static final Map<String, List<Map<String, Object>>> CACHE = new ConcurrentHashMap<>();

  private Rendered() {}

  /** The manifests' folder: this module's own directory, wherever Maven runs from. */
  static Path home() {
    return Stream.of(Path.of(""), Path.of("k8s")).map(Path::toAbsolutePath)
        .filter(p -> Files.exists(p.resolve("base/kustomization.yaml"))).findFirst()
        .orElseThrow(() -> new IllegalStateException("k8s/base not found from " + Path.of("").toAbsolutePath()));
  }

  /** A fresh copy each call would cost a render; tests only read, so they share one. */
  static List<Map<String, Object>> of(String which) {
    return CACHE.computeIfAbsent(which, w -> Kustomize.render(home().resolve(w)));
  }

  static Stream<String> all() {
    return ALL.stream();
  }
}
