package io.votegate.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.votegate.platform.Problem;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict reading of request bodies: a JSON object with exactly the expected fields and types. Every fault is named
 * in the 400's {@code errors}, so a client fixes its request in one go.
 */
final class Requests {
  private Requests() {}

  record SignIn(String voterId, String code) {}

  static SignIn signIn(Buffer body) {
    var json = object(body);
    var errors = new JsonArray();
    unknownFields(json, Set.of("voterId", "code"), errors);
    var voterId = requiredString(json, "voterId", errors);
    var code = requiredString(json, "code", errors);
    if (!errors.isEmpty()) {
      throw Problem.malformed(errors);
    }
    return new SignIn(voterId, code);
  }

  static Map<String, List<String>> ballot(Buffer body) {
    var json = object(body);
    var errors = new JsonArray();
    unknownFields(json, Set.of("selections"), errors);
    var selections = new LinkedHashMap<String, List<String>>();
    if (!(json.getValue("selections") instanceof JsonObject contests)) {
      errors.add(error("selections", "required: an object of contest IDs to arrays of candidate IDs"));
    } else {
      for (var contest : contests) {
        if (!(contest.getValue() instanceof JsonArray choices)
            || !choices.stream().allMatch(String.class::isInstance)) {
          errors.add(error("selections." + contest.getKey(), "must be an array of candidate IDs (strings)"));
        } else {
          selections.put(contest.getKey(), choices.stream().map(String.class::cast).toList());
        }
      }
    }
    if (!errors.isEmpty()) {
      throw Problem.malformed(errors);
    }
    return selections;
  }

  /** Finds duplicate fields, which other parsers may read differently: ambiguous input is refused, not guessed. */
  private static final JsonFactory STRICT = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** One pass over the body: parsed and checked for duplicate fields by the same strict parser. */
  private static JsonObject object(Buffer body) {
    if (body == null || body.length() == 0) {
      throw Problem.malformed("body", "must be a JSON object");
    }
    Object value;
    try (var parser = STRICT.createParser(body.getBytes())) {
      value = JacksonCodec.fromParser(parser, Object.class);
    } catch (DecodeException | IOException e) {
      var cause = e.getCause() == null ? e : e.getCause();
      var message = String.valueOf(cause.getMessage());
      throw Problem.malformed("body", message.startsWith("Duplicate field")
          ? "duplicate field " + message.replaceAll("(?s)Duplicate field '([^']*)'.*", "'$1'")
          : "not valid JSON");
    }
    if (!(value instanceof JsonObject json)) {
      throw Problem.malformed("body", "must be a JSON object");
    }
    return json;
  }

  private static void unknownFields(JsonObject json, Set<String> known, JsonArray errors) {
    json.fieldNames().stream().filter(f -> !known.contains(f)).sorted()
        .forEach(f -> errors.add(error(f, "unknown field")));
  }

  private static String requiredString(JsonObject json, String field, JsonArray errors) {
    var value = json.getValue(field);
    if (!(value instanceof String s)) {
      errors.add(error(field, value == null ? "required string" : "must be a string"));
      return null;
    }
    return s;
  }

  private static JsonObject error(String field, String message) {
    return new JsonObject().put("field", field).put("message", message);
  }
}
