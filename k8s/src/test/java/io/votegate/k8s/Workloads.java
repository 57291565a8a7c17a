package io.votegate.k8s;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the tests read off rendered objects: workloads' pod specs and containers, objects by kind and name. */
final class Workloads {
  private Workloads() {}

  static boolean isWorkload(Map<String, Object> object) {
    return List.of("Deployment", "StatefulSet").contains(object.get("kind"));
  }

  static String name(Map<String, Object> object) {
    return (String) Kustomize.metadata(object).get("name");
  }

  static Map<String, Object> podSpec(Map<String, Object> workload) {
    return map(map(map(workload, "spec"), "template"), "spec");
  }

  static List<Map<String, Object>> containers(Map<String, Object> object) {
    return isWorkload(object) ? (List<Map<String, Object>>) podSpec(object).get("containers") : List.of();
  }

  static Optional<Map<String, Object>> find(List<Map<String, Object>> objects, String kind, String name) {
    return objects.stream().filter(o -> kind.equals(o.get("kind")) && name.equals(name(o))).findFirst();
  }

  static Map<String, Object> get(List<Map<String, Object>> objects, String kind, String name) {
    return find(objects, kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  static Map<String, Object> map(Map<String, Object> parent, String key) {
    var value = parent.get(key);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    var value = parent.get(key);
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }
}
