package io.votegate.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An error a client caused or must wait out, in the problem+json shape of API.md: a stable machine-readable
 * {@code code}, an HTTP status, and optionally the per-field {@code errors} and a Retry-After.
 */
public final class Problem extends RuntimeException {
  private final int status;
  private final String code;
  private final String title;
  private final JsonArray errors;
  private final Integer retryAfterSeconds;

  public Problem(int status, String code, String title, String detail, JsonArray errors, Integer retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.title = title;
    this.errors = errors;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static Problem of(int status, String code, String title, String detail) {
    return new Problem(status, code, title, detail, null, null);
  }

  public static Problem malformed(JsonArray errors) {
    return new Problem(400, "malformed", "Malformed request", "The request body does not have the expected shape.",
        errors, null);
  }

  public static Problem malformed(String field, String message) {
    return malformed(new JsonArray().add(new JsonObject().put("field", field).put("message", message)));
  }

  public static Problem unavailable(String detail, int retryAfterSeconds) {
    return new Problem(503, "unavailable", "Service unavailable", detail, null, retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** One entry per problem with a field or a contest, or null. */
  public JsonArray errors() {
    return errors;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public JsonObject toJson() {
    var json = new JsonObject()
        .put("type", "/problems/" + code)
        .put("title", title)
        .put("status", status)
        .put("code", code)
        .put("detail", getMessage());
    if (errors != null) {
      json.put("errors", errors);
    }
    return json;
  }
}
