package io.votegate.k8s;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A schema kept in this repository for an operator's kind whose model classes we do not have: the fields Votegate
 * uses, each with its type, from the operator's API reference. A nested map is an object; a one-item list is a list
 * of that item; a scalar is {@code string}, {@code integer}, {@code boolean}, {@code quantity} (string or number),
 * {@code object} (any map), {@code strings} (a map of strings) or {@code enum:a,b}. A trailing {@code !} on the type
 * (or on the key, for an object) makes the field required. A field not in the schema is an error: it may be a typo
 * the operator would silently prune.
 */
final class KeptSchema {
  private final Map<String, Object> root;

  private KeptSchema(Map<String, Object> root) {
    this.root = root;
  }

  static KeptSchema load(String resource) throws IOException {
    try (var in = KeptSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no schema " + resource);
      }
      return new KeptSchema(new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
    }
  }

  void check(Map<String, Object> object, List<String> problems) {
    checkObject(root, object, "", problems);
  }

  private static void checkObject(Map<String, Object> schema, Map<?, ?> value, String path, List<String> problems) {
    for (var entry : schema.entrySet()) {
      var key = entry.getKey().replaceAll("!$", "");
      boolean required = entry.getKey().endsWith("!")
          || entry.getValue() instanceof String type && type.endsWith("!");
      if (required && !value.containsKey(key)) {
        problems.add("missing required field " + path + "." + key);
      }
    }
    for (var entry : value.entrySet()) {
      var key = String.valueOf(entry.getKey());
      var field = schema.containsKey(key) ? schema.get(key) : schema.get(key + "!");
      if (field == null) {
        problems.add("unknown field " + path + "." + key);
      } else {
        checkValue(field, entry.getValue(), path + "." + key, problems);
      }
    }
  }

  private static void checkValue(Object schema, Object value, String path, List<String> problems) {
    if (schema instanceof Map<?, ?> object) {
      if (value instanceof Map<?, ?> map) {
        checkObject((Map<String, Object>) object, map, path, problems);
      } else {
        problems.add(path + " must be an object");
      }
    } else if (schema instanceof List<?> items) {
      if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          checkValue(items.get(0), list.get(i), path + "[" + i + "]", problems);
        }
      } else {
        problems.add(path + " must be a list");
      }
    } else {
      var type = ((String) schema).replaceAll("!$", "");
      boolean ok = switch (type) {
        case "string" -> value instanceof String;
        case "integer" -> value instanceof Integer || value instanceof Long;
        case "boolean" -> value instanceof Boolean;
        case "quantity" -> value instanceof String || value instanceof Number;
        case "object" -> value instanceof Map;
        case "strings" -> value instanceof Map<?, ?> map && map.values().stream().allMatch(v -> v instanceof String);
        default -> type.startsWith("enum:") && List.of(type.substring(5).split(",")).contains(String.valueOf(value));
      };
      if (!ok) {
        problems.add(path + " must be " + type + ", is " + value);
      }
    }
  }
}
