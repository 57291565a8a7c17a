package io.votegate.k8s;

import io.vertx.core.json.JsonObject;
import io.votegate.ballots.BallotServerConfig;
import io.votegate.gateway.GatewayConfig;
import io.votegate.model.Keys;
import io.votegate.model.Topics;
import io.votegate.tally.TallyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import static io.votegate.k8s.Workloads.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The manifests say what the code says, from one source each: the KafkaTopics are model's {@link Topics}; each
 * service's environment, as the pod would get it, is parsed by that service's own configuration (so a bad value
 * fails here, not at 3 a.m.) and names the port the container declares and probes; the images are the ones Jib
 * builds; the dashboard charts metrics the services publish.
 */
class ConsistencyTest {
  private static final Map<String, Function<Map<String, String>, Integer>> PORT_OF = Map.of(
      "gateway", env -> GatewayConfig.fromEnv(env).httpPort(),
      "ballot-server", env -> BallotServerConfig.fromEnv(env).httpPort(),
      "tally", env -> TallyConfig.fromEnv(env).httpPort());

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void theKafkaTopicsAreTheTopicsOfTheModelWithTheirPartitionsRetentionAndCompaction(String which) {
    var topics = ofKind(Rendered.of(which), "KafkaTopic");
    assertEquals(Topics.definitions().size(), topics.size(), "one KafkaTopic per topic");
    for (var definition : Topics.definitions()) {
      var topic = topics.stream().filter(t -> definition.name().equals(map(t, "spec").get("topicName"))).findFirst()
          .orElseThrow(() -> new AssertionError("no KafkaTopic for " + definition.name()));
      var spec = map(topic, "spec");
      assertEquals(definition.partitions(), spec.get("partitions"), definition.name());
      definition.config().forEach((key, value) ->
          assertEquals(value, String.valueOf(map(spec, "config").get(key)), definition.name() + " " + key));
      assertEquals("votegate", map(Kustomize.metadata(topic), "labels").get("strimzi.io/cluster"));
    }
  }

  @Test
  void productionKafkaKeepsEveryBallotOnThreeBrokersAndAcknowledgesItOnTwo() {
    var objects = Rendered.of("overlays/production");
    assertEquals(3, map(get(objects, "KafkaNodePool", "dual-role"), "spec").get("replicas"));
    var config = map(map(map(get(objects, "Kafka", "votegate"), "spec"), "kafka"), "config");
    assertEquals(2, config.get("min.insync.replicas"));
    assertEquals(3, config.get("transaction.state.log.replication.factor"));
    for (var topic : ofKind(objects, "KafkaTopic")) {
      assertEquals(3, map(topic, "spec").get("replicas"), name(topic));
      assertEquals(2, map(map(topic, "spec"), "config").get("min.insync.replicas"), name(topic));
    }
    var postgres = map(get(objects, "Cluster", "votegate-pg"), "spec");
    assertEquals(3, postgres.get("instances"));
    assertEquals(1, map(map(postgres, "postgresql"), "synchronous").get("number"), "a commit waits for a replica");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.votegate.k8s.Rendered#all")
  void eachServiceReadsItsManifestEnvironmentAndListensWhereItsContainerAndProbesSay(String which) {
    var objects = Rendered.of(which);
    for (var service : PORT_OF.keySet()) {
      var workload = find(objects, "Deployment", service).orElseGet(() -> get(objects, "StatefulSet", service));
      var container = containers(workload).get(0);
      var env = environment(objects, workload, container);
      int port = PORT_OF.get(service).apply(env); // throws, naming every bad variable, if a value does not parse
      var declared = list(container, "ports").stream().filter(p -> "http".equals(p.get("name"))).findFirst()
          .orElseThrow();
      assertEquals(port, declared.get("containerPort"), service);
      for (var probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        var http = map(map(container, probe), "httpGet");
        assertEquals("http", http.get("port"), service + " " + probe);
        assertTrue(List.of("/health/live", "/health/ready").contains(http.get("path")), service + " " + probe);
      }
      assertEquals("/health/ready", map(map(container, "readinessProbe"), "httpGet").get("path"), service);
      var svc = get(objects, "Service", service);
      assertEquals("http", list(map(svc, "spec"), "ports").get(0).get("targetPort"), service);
    }
  }

  @Test
  void theImagesAreTheOnesJibBuildsForEachServicesMainClassAndPort() throws Exception {
    var root = Rendered.home().getParent();
    var parent = pom(root.resolve("pom.xml"));
    var jib = plugin(parent, "jib-maven-plugin");
    var user = text(jib, "user");
    assertTrue(user.matches("[1-9]\\d*:[1-9]\\d*"), "a numeric non-root user, so runAsNonRoot can check it: " + user);
    var to = text((Element) jib.getElementsByTagName("to").item(0), "image");
    assertTrue(to.startsWith("${images.registry}/${project.artifactId}:"), to);
    for (var objects : List.of(Rendered.of("base"), Rendered.of("overlays/production"))) {
      for (var service : PORT_OF.keySet()) {
        var module = pom(root.resolve(service).resolve("pom.xml"));
        assertEquals("false", text(module, "image.skip"), service + " builds an image");
        var main = Class.forName(text(module, "image.mainClass"));
        assertNotNull(main.getMethod("main", String[].class), service);
        var workload = find(objects, "Deployment", service).orElseGet(() -> get(objects, "StatefulSet", service));
        var container = containers(workload).get(0);
        var port = list(container, "ports").get(0).get("containerPort");
        assertEquals(text(module, "image.port"), String.valueOf(port), service + ": the image declares the port");
        var image = (String) container.get("image");
        assertTrue(image.matches("(.*/)?votegate-" + Pattern.quote(service) + ":[\\w.-]+"), image);
        assertEquals(Integer.parseInt(user.split(":")[0]), map(podSpec(workload), "securityContext").get("runAsUser"));
      }
    }
  }

  @Test
  void theElectionDefinitionMountedInEveryServiceIsValid() {
    var objects = Rendered.of("base");
    var definition = (String) map(get(objects, "ConfigMap", "votegate-election"), "data").get("election.json");
    assertEquals(List.of(), io.votegate.model.ElectionCheck.problems(definition));
    for (var service : PORT_OF.keySet()) {
      var workload = find(objects, "Deployment", service).orElseGet(() -> get(objects, "StatefulSet", service));
      assertTrue(list(containers(workload).get(0), "volumeMounts").stream()
          .anyMatch(m -> m.get("mountPath").equals("/etc/votegate") && Boolean.TRUE.equals(m.get("readOnly"))), service);
    }
  }

  @Test
  void theDashboardChartsWhatOperatorsWatchFromMetricsTheServicesPublish() throws Exception {
    var configMap = get(Rendered.of("base"), "ConfigMap", "votegate-dashboard");
    assertEquals("1", map(Kustomize.metadata(configMap), "labels").get("grafana_dashboard"));
    var dashboard = new JsonObject((String) map(configMap, "data").get("votegate-dashboard.json"));
    var titles = new StringBuilder();
    for (var panel : dashboard.getJsonArray("panels")) {
      var json = (JsonObject) panel;
      titles.append(json.getString("title")).append('\n');
      var expr = json.getJsonArray("targets").getJsonObject(0).getString("expr");
      assertTrue(expr.matches(".*\\b(votegate|vertx)_[a-z_]+.*"), json.getString("title") + ": " + expr);
    }
    for (var watched : List.of("acknowledged", "Decisions", "lag", "SSE subscribers", "Freshness", "4xx and 5xx",
        "Failed decision batches")) {
      assertTrue(titles.toString().contains(watched), "the dashboard shows " + watched + ":\n" + titles);
    }
  }

  /**
   * The environment the pod's container gets: its ConfigMaps, then its own variables ({@code $(VAR)} expanded as
   * Kubernetes does), with stand-ins for Secrets (fresh keys, a password) and the pod's name for field references.
   */
  private static Map<String, String> environment(List<Map<String, Object>> objects, Map<String, Object> workload,
                                                 Map<String, Object> container) {
    var env = new HashMap<String, String>();
    for (var from : list(container, "envFrom")) {
      var configMap = get(objects, "ConfigMap", (String) map(from, "configMapRef").get("name"));
      map(configMap, "data").forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    for (var variable : list(container, "env")) {
      var name = (String) variable.get("name");
      var from = map(variable, "valueFrom");
      if (from.containsKey("secretKeyRef")) {
        env.put(name, name.equals("VOTEGATE_OPERATOR_PUBLIC_KEY") ? io.votegate.model.ControlCommand.newKeyPair()[1]
            : name.endsWith("_KEY") ? Keys.generate() : "stand-in-for-a-secret");
      } else if (from.containsKey("fieldRef")) {
        env.put(name, name(workload) + "-0");
      } else {
        var value = (String) variable.get("value");
        for (var known : env.entrySet()) {
          value = value.replace("$(" + known.getKey() + ")", known.getValue());
        }
        assertFalse(value.contains("$("), name + " refers to a variable set after it, or to none: " + value);
        env.put(name, value);
      }
    }
    return env;
  }

  private static Element pom(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(file))
        .getDocumentElement();
  }

  private static Element plugin(Element pom, String artifactId) {
    var plugins = pom.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      var plugin = (Element) plugins.item(i);
      if (artifactId.equals(text(plugin, "artifactId")) && plugin.getElementsByTagName("configuration").getLength() > 0) {
        return plugin;
      }
    }
    throw new AssertionError("no configured " + artifactId);
  }

  private static String text(Element parent, String tag) {
    var found = parent.getElementsByTagName(tag);
    assertTrue(found.getLength() > 0, "no <" + tag + ">");
    return found.item(0).getTextContent().trim();
  }
}
