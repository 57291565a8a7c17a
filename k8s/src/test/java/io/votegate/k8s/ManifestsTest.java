package io.votegate.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The base and both overlays render (as {@code kubectl kustomize} would) and every object in them is valid for its
 * kind: Kubernetes' models, Strimzi's, and the schemas kept for CloudNativePG and the Prometheus Operator. There is
 * no cluster here; this is as close to {@code kubectl apply --dry-run=server} as a build machine gets.
 */
class ManifestsTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void everyObjectIsValidForItsKind(String which) {
    var objects = Rendered.of(which);
    assertFalse(objects.isEmpty());
    var problems = new ArrayList<String>();
    objects.forEach(o -> problems.addAll(Models.problems(o)));
    assertEquals(List.of(), problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void everyObjectHasAUniqueNameInTheVotegateNamespace(String which) {
    var seen = new java.util.HashSet<String>();
    for (var object : Rendered.of(which)) {
      var key = object.get("kind") + "/" + Workloads.name(object);
      assertTrue(seen.add(key), "twice: " + key);
      if (!object.get("kind").equals("Namespace")) {
        assertEquals("votegate", Kustomize.metadata(object).get("namespace"), key);
      }
    }
  }

  // --- the checks can fail: each catches what it is for ----------------------------------------------------------

  @Test
  void aKubernetesObjectWithAnUnknownOrMisspelledFieldIsRefused() {
    var deployment = copy(Workloads.get(Rendered.of("base"), "Deployment", "gateway"));
    Workloads.containers(deployment).get(0).put("livenessProbes", Map.of());
    assertTrue(Models.problems(deployment).stream().anyMatch(p -> p.contains("livenessProbes")),
        Models.problems(deployment).toString());
    var service = copy(Workloads.get(Rendered.of("base"), "Service", "gateway"));
    ((List<Map<String, Object>>) ((Map<String, Object>) service.get("spec")).get("ports")).get(0).remove("port");
    assertFalse(Models.problems(service).isEmpty(), "a port without its number is refused");
  }

  @Test
  void aStrimziObjectWithAnUnknownFieldOrAWrongTypeIsRefused() {
    var topic = copy(Workloads.get(Rendered.of("base"), "KafkaTopic", "ballots"));
    ((Map<String, Object>) topic.get("spec")).put("partition", 8);
    assertTrue(Models.problems(topic).stream().anyMatch(p -> p.contains("partition")), Models.problems(topic).toString());
    var pool = copy(Workloads.get(Rendered.of("base"), "KafkaNodePool", "dual-role"));
    ((Map<String, Object>) pool.get("spec")).put("replicas", "three");
    assertFalse(Models.problems(pool).isEmpty());
  }

  @Test
  void aCloudNativePgObjectIsCheckedAgainstTheKeptSchema() {
    var cluster = copy(Workloads.get(Rendered.of("base"), "Cluster", "votegate-pg"));
    var spec = (Map<String, Object>) cluster.get("spec");
    spec.put("instance", 3);
    spec.remove("storage");
    spec.put("instances", "3");
    var problems = Models.problems(cluster);
    assertTrue(problems.stream().anyMatch(p -> p.contains("unknown field .spec.instance")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("missing required field .spec.storage")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains(".spec.instances must be integer")), problems.toString());
  }

  @Test
  void anOverlayPatchThatMatchesNothingOrNamesAMissingPathFailsTheRender(@TempDir Path dir) throws Exception {
    var overlay = Files.createDirectories(dir.resolve("overlay"));
    var base = Rendered.home().resolve("base").toString().replace('\\', '/');
    Files.writeString(overlay.resolve("kustomization.yaml"), """
        resources: ["%s"]
        patches:
          - target: { kind: Deployment, name: gateway-typo }
            patch: |-
              - { op: replace, path: /spec/replicas, value: 1 }
        """.formatted(base));
    var noTarget = assertThrows(IllegalArgumentException.class, () -> Kustomize.render(overlay));
    assertTrue(noTarget.getMessage().contains("matches nothing"), noTarget.getMessage());
    Files.writeString(overlay.resolve("kustomization.yaml"), """
        resources: ["%s"]
        patches:
          - target: { kind: Deployment, name: gateway }
            patch: |-
              - { op: replace, path: /spec/replica, value: 1 }
        """.formatted(base));
    var noPath = assertThrows(IllegalArgumentException.class, () -> Kustomize.render(overlay));
    assertTrue(noPath.getMessage().contains("no such path: /spec/replica"), noPath.getMessage());
    Files.writeString(overlay.resolve("kustomization.yaml"), """
        resources: ["%s"]
        commonLabels: { team: votes }
        """.formatted(base));
    assertThrows(IllegalArgumentException.class, () -> Kustomize.render(overlay), "a feature the test does not render");
  }

  /** A deep copy of a rendered object, to spoil without touching the shared rendering. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> copy(Map<String, Object> object) {
    return (Map<String, Object>) copyOf(object);
  }

  private static Object copyOf(Object value) {
    if (value instanceof Map<?, ?> map) {
      var copy = new LinkedHashMap<Object, Object>();
      map.forEach((k, v) -> copy.put(k, copyOf(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      var copy = new ArrayList<Object>();
      list.forEach(v -> copy.add(copyOf(v)));
      return copy;
    }
    return value;
  }
}
