package io.votegate.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.votegate.platform.Problem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

  /**
   * A ballot's selections, read token by token into what {@link Voting#submit} takes: every ballot comes through
   * here, and building a {@link JsonObject} first, then copying it, took 5.5 % of the gateway loops' samples. The
   * same rules and answers as {@link #signIn}: faults named field by field, unknown fields first.
   */
  static Map<String, List<String>> ballot(Buffer body) {
    requireBody(body);
    Set<String> unknown = null; // made when there is one: most ballots have none
    var errors = new JsonArray();
    Map<String, List<String>> selections = null;
    try (var parser = STRICT.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        parser.skipChildren();
        requireEnd(parser);
        throw Problem.malformed("body", "must be a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        var field = parser.currentName();
        var value = parser.nextToken();
        if (!field.equals("selections")) {
          if (unknown == null) {
            unknown = new TreeSet<>();
          }
          unknown.add(field);
          parser.skipChildren();
        } else if (value != JsonToken.START_OBJECT) {
          parser.skipChildren();
        } else {
          selections = selections(parser, errors);
        }
      }
      requireEnd(parser);
    } catch (IOException e) {
      throw unreadable(e);
    }
    if (selections == null) {
      errors.add(error("selections", "required: an object of contest IDs to arrays of candidate IDs"));
    }
    if (unknown != null || !errors.isEmpty()) {
      var all = new JsonArray();
      if (unknown != null) {
        unknown.forEach(f -> all.add(error(f, "unknown field")));
      }
      throw Problem.malformed(all.addAll(errors));
    }
    return selections;
  }

  /** Contest IDs to arrays of candidate IDs, the parser on the object's start; a contest that is not one is named. */
  private static Map<String, List<String>> selections(JsonParser parser, JsonArray errors) throws IOException {
    var selections = new LinkedHashMap<String, List<String>>(4); // a ballot has a few contests, not the default 16
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      var contest = parser.currentName();
      var choices = parser.nextToken() == JsonToken.START_ARRAY ? new ArrayList<String>(1) : null;
      if (choices != null) {
        for (var token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
          if (token == null) { // Jackson reports a cut-off body itself; this only makes the loop's end plain
            throw new JsonParseException(parser, "Unexpected end of input in an array");
          }
          if (token == JsonToken.VALUE_STRING && choices != null) {
            choices.add(parser.getText());
          } else {
            choices = null;
            parser.skipChildren();
          }
        }
      }
      if (choices == null) {
        parser.skipChildren();
        errors.add(error("selections." + contest, "must be an array of candidate IDs (strings)"));
      } else {
        selections.put(contest, choices);
      }
    }
    return selections;
  }

  /** Nothing may follow the one value: a second document is not ours to guess at. */
  private static void requireEnd(JsonParser parser) throws IOException {
    if (parser.nextToken() != null) {
      throw new JsonParseException(parser, "Unexpected trailing token");
    }
  }

  /** Finds duplicate fields, which other parsers may read differently: ambiguous input is refused, not guessed. */
  private static final JsonFactory STRICT = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** One pass over the body: parsed and checked for duplicate fields by the same strict parser. */
  private static JsonObject object(Buffer body) {
    requireBody(body);
    Object value;
    try (var parser = STRICT.createParser(body.getBytes())) {
      value = JacksonCodec.fromParser(parser, Object.class);
    } catch (DecodeException | IOException e) {
      throw unreadable(e.getCause() == null ? e : e.getCause());
    }
    if (!(value instanceof JsonObject json)) {
      throw Problem.malformed("body", "must be a JSON object");
    }
    return json;
  }

  private static void requireBody(Buffer body) {
    if (body == null || body.length() == 0) {
      throw Problem.malformed("body", "must be a JSON object");
    }
  }

  /** What the parser refused: a duplicate field by name, anything else as not JSON. */
  private static Problem unreadable(Throwable cause) {
    var message = String.valueOf(cause.getMessage());
    return Problem.malformed("body", message.startsWith("Duplicate field")
        ? "duplicate field " + message.replaceAll("(?s)Duplicate field '([^']*)'.*", "'$1'")
        : "not valid JSON");
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
