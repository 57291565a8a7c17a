package io.votegate.k8s;

import io.votegate.model.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.votegate.k8s.Workloads.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The promises the manifests keep, in the base and in each overlay: each fails when someone removes a probe or a
 * limit, runs a container as root, keeps a database in an emptyDir, commits a secret, or opens the gateway (or the
 * tally) to PostgreSQL.
 */
class PolicyTest {
  private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(KEY|PASSWORD|SECRET|TOKEN).*");

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void everyContainerHasLivenessAndReadinessProbesAndResourceRequestsAndLimits(String which) {
    var problems = new ArrayList<String>();
    for (var workload : workloads(which)) {
      for (var container : containers(workload)) {
        var where = name(workload) + "/" + container.get("name");
        for (var probe : List.of("livenessProbe", "readinessProbe")) {
          if (!container.containsKey(probe)) {
            problems.add(where + " has no " + probe);
          }
        }
        var resources = map(container, "resources");
        for (var kind : List.of("requests", "limits")) {
          for (var resource : List.of("cpu", "memory")) {
            if (!map(resources, kind).containsKey(resource)) {
              problems.add(where + " has no " + kind + "." + resource);
            }
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void everyContainerRunsAsNonRootOnAReadOnlyRootWithNoPrivilegeAndNoCapabilities(String which) {
    var problems = new ArrayList<String>();
    for (var workload : workloads(which)) {
      var pod = map(podSpec(workload), "securityContext");
      if (!Boolean.TRUE.equals(pod.get("runAsNonRoot")) || Integer.valueOf(0).equals(pod.get("runAsUser"))) {
        problems.add(name(workload) + ": the pod may run as root");
      }
      if (!"RuntimeDefault".equals(map(pod, "seccompProfile").get("type"))) {
        problems.add(name(workload) + ": no RuntimeDefault seccomp profile");
      }
      if (!Boolean.FALSE.equals(podSpec(workload).get("automountServiceAccountToken"))) {
        problems.add(name(workload) + ": mounts a service-account token it does not need");
      }
      for (var container : containers(workload)) {
        var security = map(container, "securityContext");
        var where = name(workload) + "/" + container.get("name");
        if (!Boolean.TRUE.equals(security.get("readOnlyRootFilesystem"))) {
          problems.add(where + ": the root filesystem is writable");
        }
        if (!Boolean.FALSE.equals(security.get("allowPrivilegeEscalation"))) {
          problems.add(where + ": privilege escalation is allowed");
        }
        if (Boolean.TRUE.equals(security.get("privileged")) || Integer.valueOf(0).equals(security.get("runAsUser"))) {
          problems.add(where + ": privileged or root");
        }
        if (!((List<?>) map(security, "capabilities").getOrDefault("drop", List.of())).contains("ALL")) {
          problems.add(where + ": capabilities are not all dropped");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void noDatabaseKeepsItsDataInAnEmptyDir(String which) {
    var objects = Rendered.of(which);
    // An emptyDir dies with its pod: only scratch space may be one, sized, and mounted at /tmp alone.
    for (var workload : workloads(which)) {
      for (var volume : list(podSpec(workload), "volumes")) {
        if (volume.containsKey("emptyDir")) {
          assertNotNull(map(volume, "emptyDir").get("sizeLimit"), name(workload) + ": an unbounded emptyDir");
          for (var container : containers(workload)) {
            for (var mount : list(container, "volumeMounts")) {
              if (mount.get("name").equals(volume.get("name"))) {
                assertEquals("/tmp", mount.get("mountPath"), name(workload) + " keeps data in an emptyDir");
              }
            }
          }
        }
      }
    }
    var redisVolumes = list(podSpec(get(objects, "StatefulSet", "votegate-redis")), "volumes");
    assertTrue(redisVolumes.stream().noneMatch(v -> v.containsKey("emptyDir")), "Redis has no emptyDir at all");
    var redis = get(objects, "StatefulSet", "votegate-redis");
    assertFalse(list(map(redis, "spec"), "volumeClaimTemplates").isEmpty(), "Redis persists to a volume claim");
    var redisArgs = (List<?>) containers(redis).get(0).get("args");
    assertTrue(redisArgs.toString().contains("--appendonly, yes"), "Redis persists writes");
    assertEquals("always", redisArgs.get(redisArgs.indexOf("--appendfsync") + 1),
        "Redis answers a write only once it is on disk: " + redisArgs);
    int save = redisArgs.indexOf("--save");
    assertTrue(save >= 0 && "".equals(redisArgs.get(save + 1)),
        "Redis keeps its append-only file and forks no periodic snapshot on top of it: " + redisArgs);
    assertEquals("0", redisArgs.get(redisArgs.indexOf("--auto-aof-rewrite-percentage") + 1),
        "receipts are written once: Redis does not rewrite its append-only file by itself: " + redisArgs);
    var postgres = get(objects, "Cluster", "votegate-pg");
    assertNotNull(map(map(postgres, "spec"), "storage").get("size"), "PostgreSQL has persistent storage");
    // Kafka's nodes keep their logs on claims too.
    var pool = get(objects, "KafkaNodePool", "dual-role");
    for (var volume : list(map(map(pool, "spec"), "storage"), "volumes")) {
      assertEquals("persistent-claim", volume.get("type"));
      assertEquals(false, volume.get("deleteClaim"), "a deleted pool must not take the ballots with it");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void noSecretValueIsCommitted(String which) {
    var objects = Rendered.of(which);
    assertEquals(List.of(), ofKind(objects, "Secret"), "Secrets are created by the operator, never committed");
    var problems = new ArrayList<String>();
    for (var configMap : ofKind(objects, "ConfigMap")) {
      map(configMap, "data").keySet().stream().filter(k -> SECRET_NAME.matcher(k).matches())
          .forEach(k -> problems.add("ConfigMap " + name(configMap) + " holds " + k));
    }
    for (var workload : workloads(which)) {
      for (var container : containers(workload)) {
        for (var env : list(container, "env")) {
          var variable = (String) env.get("name");
          if (SECRET_NAME.matcher(variable).matches() && !map(env, "valueFrom").containsKey("secretKeyRef")) {
            problems.add(name(workload) + " sets " + variable + " from something other than a Secret");
          }
          var value = String.valueOf(env.getOrDefault("value", ""));
          if (value.matches(".*://[^/@]*:[^$/@][^/@]*@.*")) {
            problems.add(name(workload) + " writes a password into " + variable);
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void theGatewayAndTheTallyCannotReachPostgresAndPostgresAdmitsOnlyTheBallotServer(String which) {
    var objects = Rendered.of(which);
    for (var service : List.of("gateway", "tally")) {
      var policy = get(objects, "NetworkPolicy", service);
      assertTrue(((List<?>) map(policy, "spec").get("policyTypes")).contains("Egress"), service + " egress is restricted");
      for (var rule : list(map(policy, "spec"), "egress")) {
        for (var port : list(rule, "ports")) {
          assertNotEquals(5432, port.get("port"), service + " may not reach PostgreSQL's port");
        }
        for (var peer : list(rule, "to")) {
          assertFalse(map(map(peer, "podSelector"), "matchLabels").containsKey("cnpg.io/cluster"),
              service + " may not reach PostgreSQL's pods");
          assertFalse(peer.containsKey("ipBlock"), service + " reaches only named pods, no address ranges");
        }
      }
      var allowed = list(map(policy, "spec"), "egress").stream()
          .flatMap(rule -> list(rule, "ports").stream()).map(p -> p.get("port")).collect(java.util.stream.Collectors.toSet());
      assertEquals(service.equals("gateway") ? Set.of(9092, 6379, 53) : Set.of(9092, 53), allowed,
          service + " reaches Kafka" + (service.equals("gateway") ? " and Redis" : "") + " (and DNS) only");
      var container = containers(get(objects, "Deployment", service)).get(0);
      assertTrue(list(container, "env").stream().noneMatch(e -> ((String) e.get("name")).startsWith("VOTEGATE_PG_")),
          service + " has no PostgreSQL settings");
      assertTrue(list(container, "envFrom").stream().noneMatch(e -> "ballot-server-config"
          .equals(map(e, "configMapRef").get("name"))), service + " does not read the ballot-server's settings");
    }
    var postgres = get(objects, "NetworkPolicy", "postgres");
    assertEquals(Map.of("cnpg.io/cluster", "votegate-pg"), map(map(postgres, "spec"), "podSelector").get("matchLabels"));
    var votegateApps = list(map(postgres, "spec"), "ingress").stream().flatMap(rule -> list(rule, "from").stream())
        .map(peer -> map(map(peer, "podSelector"), "matchLabels").get("app.kubernetes.io/name"))
        .filter(java.util.Objects::nonNull).toList();
    assertEquals(List.of("ballot-server"), votegateApps, "PostgreSQL admits the ballot-server, no other service");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void ballotServersHaveStableNamesAndNeverOutnumberThePartitions(String which) {
    var objects = Rendered.of(which);
    assertTrue(find(objects, "Deployment", "ballot-server").isEmpty(), "a StatefulSet, for stable names");
    var set = get(objects, "StatefulSet", "ballot-server");
    int partitions = Topics.definitions().stream().filter(t -> t.name().equals(Topics.BALLOTS)).findFirst()
        .orElseThrow().partitions();
    assertTrue((Integer) map(set, "spec").get("replicas") <= partitions, "more ballot-servers than partitions idle");
    var id = list(containers(set).get(0), "env").stream().filter(e -> e.get("name").equals("VOTEGATE_INSTANCE_ID"))
        .findFirst().orElseThrow();
    assertEquals("metadata.name", map(map(id, "valueFrom"), "fieldRef").get("fieldPath"),
        "the pod's stable name is its transactional id and static group member");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void everyServiceHasTimeToDrainAndABudgetForDisruptionsAndTheStatelessOnesScaleOnLoad(String which) {
    var objects = Rendered.of(which);
    for (var service : List.of("gateway", "tally", "ballot-server")) {
      var workload = find(objects, "Deployment", service).orElseGet(() -> get(objects, "StatefulSet", service));
      // Service.runAsProcess: 30 s to stop the service, 10 s to close Vert.x; the preStop sleep comes first.
      var preStop = (Integer) map(map(map(containers(workload).get(0), "lifecycle"), "preStop"), "sleep")
          .getOrDefault("seconds", 0);
      assertTrue((Integer) podSpec(workload).get("terminationGracePeriodSeconds") >= preStop + 30 + 10, service);
      var budget = get(objects, "PodDisruptionBudget", service);
      assertEquals(map(map(workload, "spec"), "selector").get("matchLabels"),
          map(map(budget, "spec"), "selector").get("matchLabels"), service + "'s budget selects its pods");
    }
    for (var service : List.of("gateway", "tally")) {
      var autoscaler = get(objects, "HorizontalPodAutoscaler", service);
      assertEquals(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", service),
          map(map(autoscaler, "spec"), "scaleTargetRef"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void theIngressRoutesVotersToTheGatewayAndNewsroomsToTheTallyAndKeepsStreamsOpen(String which) {
    var ingress = get(Rendered.of(which), "Ingress", "votegate");
    var annotations = map(Kustomize.metadata(ingress), "annotations");
    assertEquals("off", annotations.get("nginx.ingress.kubernetes.io/proxy-buffering"), "SSE events are not held back");
    assertTrue(Integer.parseInt((String) annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout")) >= 3600);
    var routes = new java.util.HashMap<String, Object>();
    for (var rule : list(map(ingress, "spec"), "rules")) {
      for (var path : list(map(rule, "http"), "paths")) {
        routes.put((String) path.get("path"), map(map(path, "backend"), "service").get("name"));
      }
    }
    for (var path : List.of("/", "/vote", "/ballot", "/receipt", "/assets", "/api/v1/election", "/api/v1/sessions",
        "/api/v1/ballots", "/api/v1/receipts")) {
      assertEquals("gateway", routes.get(path), path);
    }
    for (var path : List.of("/results", "/api/v1/results")) {
      assertEquals("tally", routes.get(path), path);
    }
  }

  private static List<Map<String, Object>> workloads(String which) {
    return Rendered.of(which).stream().filter(Workloads::isWorkload).toList();
  }
}
