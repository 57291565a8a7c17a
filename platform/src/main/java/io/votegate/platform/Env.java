package io.votegate.platform;

import io.votegate.model.Election;
import io.votegate.model.Keys;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads configuration from environment variables, once, at startup. Every problem is collected and reported
 * together, so an operator fixes a bad deployment in one go; services never read the environment themselves.
 */
public final class Env {
  private final Map<String, String> vars;
  private final List<String> problems = new ArrayList<>();

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public String string(String name, String fallback) {
    var value = vars.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  public String required(String name) {
    var value = string(name, null);
    if (value == null) {
      problems.add(name + " is required");
    }
    return value;
  }

  public int port(String name, int fallback) {
    int port = parse(name, fallback, Integer::parseInt, "a port number");
    if (port < 0 || port > 65_535) {
      problems.add(name + " must be a port number (0-65535), not " + port);
    }
    return port;
  }

  public int positive(String name, int fallback) {
    return between(name, fallback, 1, Integer.MAX_VALUE);
  }

  public int between(String name, int fallback, int min, int max) {
    int value = parse(name, fallback, Integer::parseInt, "an integer");
    if (value < min || value > max) {
      problems.add(name + " must be an integer from " + min + " to " + max + ", not " + value);
    }
    return value;
  }

  public Duration duration(String name, Duration fallback) {
    return parse(name, fallback, Duration::parse, "an ISO-8601 duration such as PT30M");
  }

  /**
   * The election, with relative poll windows counted from VOTEGATE_ELECTION_START (default: today, 00:00 UTC) and
   * every county's roll scaled by VOTEGATE_ELECTION_SCALE (default 1).
   */
  public Election election() {
    var start = parse("VOTEGATE_ELECTION_START", LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC),
        Instant::parse, "an instant such as 2026-11-03T00:00:00Z");
    var scale = parse("VOTEGATE_ELECTION_SCALE", 1.0, Double::parseDouble, "a positive number such as 0.01");
    var name = string("VOTEGATE_ELECTION", "demo");
    try {
      return Election.load(name, start).scaled(scale);
    } catch (RuntimeException e) {
      problems.add("VOTEGATE_ELECTION: " + e.getMessage());
      return null;
    }
  }

  /**
   * The operators' public key (VOTEGATE_OPERATOR_PUBLIC_KEY, base64 X.509 Ed25519), which verifies their commands for
   * the day; null if not set, and then no command is applied.
   */
  public java.security.PublicKey operatorKey() {
    var text = string("VOTEGATE_OPERATOR_PUBLIC_KEY", null);
    if (text == null) {
      return null;
    }
    try {
      return io.votegate.model.ControlCommand.publicKey(text);
    } catch (IllegalArgumentException e) {
      problems.add("VOTEGATE_OPERATOR_PUBLIC_KEY: " + e.getMessage());
      return null;
    }
  }

  /** The election's secrets; never defaulted, so no key is ever in source. */
  public Keys keys() {
    var roll = required("VOTEGATE_ROLL_KEY");
    var token = required("VOTEGATE_TOKEN_KEY");
    var receipt = required("VOTEGATE_RECEIPT_KEY");
    if (roll == null || token == null || receipt == null) {
      return null;
    }
    try {
      return Keys.fromBase64(roll, token, receipt);
    } catch (IllegalArgumentException e) {
      problems.add("VOTEGATE_*_KEY must each be base64 of at least 32 random bytes: " + e.getMessage());
      return null;
    }
  }

  /** {@code values} read from {@code name}, each of which must pass {@code valid}: else a problem naming it. */
  public <T> List<T> check(String name, List<T> values, java.util.function.Predicate<T> valid, String expected) {
    values.stream().filter(valid.negate()).forEach(v -> problems.add(name + " must be " + expected + ", not '" + v + "'"));
    return values;
  }

  private <T> T parse(String name, T fallback, Function<String, T> parser, String expected) {
    var text = string(name, null);
    if (text == null) {
      return fallback;
    }
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      problems.add(name + " must be " + expected + ", not '" + text + "'");
      return fallback;
    }
  }

  /** Fails fast with every problem found, or returns the config that was read. */
  public <T> T validated(T config) {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration:\n  " + String.join("\n  ", problems));
    }
    return config;
  }
}
