package io.votegate.k8s;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization as {@code kubectl kustomize} would, for the features Votegate's manifests use: resources
 * (files and directories), namespace, configMapGenerator (files, without the name hash), images, and patches in
 * JSON 6902 form with a kind (and optional name) target. Anything else in a kustomization fails the render, so a
 * manifest cannot rely on a feature this test does not apply; a patch that matches no object, or whose path does not
 * exist, fails too (kustomize would, or would silently do something else).
 */
final class Kustomize {
  private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "namespace", "resources", "patches", "images",
      "configMapGenerator");
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

  private Kustomize() {}

  static List<Map<String, Object>> render(Path dir) {
    var kustomization = (Map<String, Object>) load(dir.resolve("kustomization.yaml")).get(0);
    for (var field : kustomization.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(dir + "/kustomization.yaml: '" + field + "' is not rendered by this test");
      }
    }
    var objects = new ArrayList<Map<String, Object>>();
    for (var resource : list(kustomization.get("resources"))) {
      var path = dir.resolve((String) resource).normalize();
      if (Files.isDirectory(path)) {
        objects.addAll(render(path));
      } else {
        load(path).forEach(doc -> objects.add((Map<String, Object>) doc));
      }
    }
    for (var generator : list(kustomization.get("configMapGenerator"))) {
      objects.add(configMap(dir, (Map<String, Object>) generator));
    }
    var namespace = (String) kustomization.get("namespace");
    if (namespace != null) {
      objects.stream().filter(o -> !CLUSTER_SCOPED.contains(o.get("kind")))
          .forEach(o -> metadata(o).put("namespace", namespace));
    }
    for (var image : list(kustomization.get("images"))) {
      setImage(objects, (Map<String, Object>) image);
    }
    for (var patch : list(kustomization.get("patches"))) {
      applyPatch(dir, objects, (Map<String, Object>) patch);
    }
    return objects;
  }

  static List<Object> load(Path file) {
    try {
      var yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
      var docs = new ArrayList<Object>();
      yaml.loadAll(Files.readString(file)).forEach(doc -> {
        if (doc != null) {
          docs.add(doc);
        }
      });
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> configMap(Path dir, Map<String, Object> generator) {
    var options = (Map<String, Object>) generator.getOrDefault("options", Map.of());
    if (!Boolean.TRUE.equals(options.get("disableNameSuffixHash"))) {
      throw new IllegalArgumentException("configMapGenerator " + generator.get("name") + ": name hashes are not rendered");
    }
    var data = new LinkedHashMap<String, Object>();
    for (var file : list(generator.get("files"))) {
      try {
        data.put(Path.of((String) file).getFileName().toString(), Files.readString(dir.resolve((String) file)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    var metadata = new LinkedHashMap<String, Object>();
    metadata.put("name", generator.get("name"));
    if (options.containsKey("labels")) {
      metadata.put("labels", options.get("labels"));
    }
    var map = new LinkedHashMap<String, Object>();
    map.put("apiVersion", "v1");
    map.put("kind", "ConfigMap");
    map.put("metadata", metadata);
    map.put("data", data);
    return map;
  }

  private static void setImage(List<Map<String, Object>> objects, Map<String, Object> image) {
    var name = (String) image.get("name");
    boolean found = false;
    for (var object : objects) {
      for (var container : Workloads.containers(object)) {
        var current = (String) container.get("image");
        if (current != null && current.split(":")[0].equals(name)) {
          container.put("image", image.getOrDefault("newName", name) + ":" + image.get("newTag"));
          found = true;
        }
      }
    }
    if (!found) {
      throw new IllegalArgumentException("images: no container runs " + name);
    }
  }

  private static void applyPatch(Path dir, List<Map<String, Object>> objects, Map<String, Object> patch) {
    var target = (Map<String, Object>) patch.get("target");
    var matching = objects.stream()
        .filter(o -> o.get("kind").equals(target.get("kind")))
        .filter(o -> !target.containsKey("name") || metadata(o).get("name").equals(target.get("name")))
        .toList();
    if (matching.isEmpty()) {
      throw new IllegalArgumentException(dir + ": patch target " + target + " matches nothing");
    }
    var operations = (List<Map<String, Object>>) new Yaml(new SafeConstructor(new LoaderOptions()))
        .load((String) patch.get("patch"));
    for (var object : matching) {
      for (var operation : operations) {
        try {
          JsonPatch.apply(object, operation);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(dir + ": " + target + ": " + e.getMessage(), e);
        }
      }
    }
  }

  static Map<String, Object> metadata(Map<String, Object> object) {
    return (Map<String, Object>) object.get("metadata");
  }

  private static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }

  /** RFC 6902's add, replace and remove, on YAML's maps and lists; a path that is not there fails. */
  static final class JsonPatch {
    private JsonPatch() {}

    static void apply(Map<String, Object> document, Map<String, Object> operation) {
      var op = (String) operation.get("op");
      var path = (String) operation.get("path");
      var tokens = path.substring(1).split("/", -1);
      Object parent = document;
      for (int i = 0; i < tokens.length - 1; i++) {
        parent = child(parent, unescape(tokens[i]), path);
      }
      var last = unescape(tokens[tokens.length - 1]);
      if (parent instanceof Map<?, ?> map) {
        var fields = (Map<String, Object>) map;
        switch (op) {
          case "add" -> fields.put(last, operation.get("value"));
          case "replace" -> {
            require(fields.containsKey(last), path);
            fields.put(last, operation.get("value"));
          }
          case "remove" -> require(fields.remove(last) != null, path);
          default -> throw new IllegalArgumentException("op " + op + " is not rendered by this test");
        }
      } else if (parent instanceof List<?> list) {
        var items = (List<Object>) list;
        int index = last.equals("-") ? items.size() : Integer.parseInt(last);
        switch (op) {
          case "add" -> items.add(index, operation.get("value"));
          case "replace" -> {
            require(index < items.size(), path);
            items.set(index, operation.get("value"));
          }
          case "remove" -> {
            require(index < items.size(), path);
            items.remove(index);
          }
          default -> throw new IllegalArgumentException("op " + op + " is not rendered by this test");
        }
      } else {
        throw new IllegalArgumentException("no such path: " + path);
      }
    }

    private static Object child(Object parent, String token, String path) {
      Object next = parent instanceof Map<?, ?> map ? map.get(token)
          : parent instanceof List<?> list && token.matches("\\d+") && Integer.parseInt(token) < list.size()
              ? list.get(Integer.parseInt(token)) : null;
      require(next != null, path);
      return next;
    }

    private static void require(boolean present, String path) {
      if (!present) {
        throw new IllegalArgumentException("no such path: " + path);
      }
    }

    private static String unescape(String token) {
      return token.replace("~1", "/").replace("~0", "~");
    }
  }
}
