package io.votegate.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON form of a ballot's selections: {@code {"<contestId>": ["<candidateId>", ...]}}. */
public final class Selections {
  private Selections() {}

  public static JsonObject toJson(Map<String, List<String>> selections) {
    var json = new JsonObject();
    selections.forEach((contest, choices) -> json.put(contest, new JsonArray(List.copyOf(choices))));
    return json;
  }

  /** Strict: every value must be an array of strings, or this throws {@link IllegalArgumentException}. */
  public static Map<String, List<String>> fromJson(JsonObject json) {
    var map = new LinkedHashMap<String, List<String>>();
    for (var entry : json) {
      if (!(entry.getValue() instanceof JsonArray choices)) {
        throw new IllegalArgumentException("selections." + entry.getKey() + " must be an array");
      }
      var list = new java.util.ArrayList<String>(choices.size());
      for (var choice : choices) {
        if (!(choice instanceof String s)) {
          throw new IllegalArgumentException("selections." + entry.getKey() + " must hold strings");
        }
        list.add(s);
      }
      map.put(entry.getKey(), List.copyOf(list));
    }
    return map;
  }
}
