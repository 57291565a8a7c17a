package io.votegate.k8s;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates one rendered object against the model of its apiVersion and kind: Kubernetes' own kinds against
 * client-java's models (unknown fields, missing required fields, then types), Strimzi's against its API classes
 * (types; unknown fields, which they keep aside, must be none), and the other operators' kinds (CloudNativePG,
 * Prometheus Operator) against the schemas kept in src/test/resources/schemas for the fields Votegate uses.
 */
final class Models {
  private static final Gson GSON = new Gson();
  private static final Map<String, Class<?>> KUBERNETES = Map.of(
      "v1/Namespace", V1Namespace.class,
      "v1/ConfigMap", V1ConfigMap.class,
      "v1/Service", V1Service.class,
      "apps/v1/Deployment", V1Deployment.class,
      "apps/v1/StatefulSet", V1StatefulSet.class,
      "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class,
      "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class,
      "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class,
      "networking.k8s.io/v1/Ingress", V1Ingress.class);
  private static final Map<String, Class<?>> STRIMZI = Map.of(
      "kafka.strimzi.io/v1beta2/Kafka", Kafka.class,
      "kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class,
      "kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class);
  private static final Map<String, String> KEPT = Map.of(
      "postgresql.cnpg.io/v1/Cluster", "schemas/cnpg-cluster.yaml",
      "postgresql.cnpg.io/v1/ScheduledBackup", "schemas/cnpg-scheduledbackup.yaml",
      "monitoring.coreos.com/v1/PodMonitor", "schemas/podmonitor.yaml");

  private Models() {}

  /** Every problem of {@code object}, or none. */
  static List<String> problems(Map<String, Object> object) {
    var type = object.get("apiVersion") + "/" + object.get("kind");
    var where = type + " " + Workloads.name(object) + ": ";
    var problems = new ArrayList<String>();
    try {
      if (KUBERNETES.containsKey(type)) {
        var json = GSON.toJsonTree(object);
        var model = KUBERNETES.get(type);
        model.getMethod("validateJsonElement", JsonElement.class).invoke(null, json);
        model.getMethod("fromJson", String.class).invoke(null, json.toString());
      } else if (STRIMZI.containsKey(type)) {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        var model = mapper.convertValue(object, STRIMZI.get(type));
        unknownFields(model, "", problems, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
      } else if (KEPT.containsKey(type)) {
        KeptSchema.load(KEPT.get(type)).check(object, problems);
        var metadata = GSON.toJsonTree(object.get("metadata"));
        V1ObjectMeta.validateJsonElement(metadata);
      } else {
        problems.add("no model for this apiVersion and kind");
      }
    } catch (java.lang.reflect.InvocationTargetException e) {
      problems.add(String.valueOf(e.getCause().getMessage()));
    } catch (IllegalArgumentException | java.io.IOException e) {
      problems.add(String.valueOf(e.getMessage()));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    return problems.stream().map(p -> where + p).toList();
  }

  /**
   * Strimzi's and fabric8's model classes keep fields they do not know in {@code additionalProperties} instead of
   * failing: any there is a field the CRD would prune or refuse.
   */
  private static void unknownFields(Object model, String path, List<String> problems, Set<Object> seen) {
    if (model == null || !seen.add(model) || !model.getClass().getName().startsWith("io.")) {
      return;
    }
    for (Method getter : model.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(model);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue;
      }
      var field = path + "." + Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add("unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "." : path));
        }
      } else if (value instanceof Collection<?> items) {
        items.forEach(item -> unknownFields(item, field, problems, seen));
      } else if (value instanceof Map<?, ?> entries) {
        entries.values().forEach(item -> unknownFields(item, field, problems, seen));
      } else {
        unknownFields(value, field, problems, seen);
      }
    }
  }
}
