package io.votegate.tally;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.votegate.model.Election;
import io.votegate.platform.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a newsroom asked to see: which contests, which states, and how deep ({@code national}, {@code state},
 * {@code county}). Parsed from the query string; an unknown contest, state or level is a 400, not an empty answer.
 */
record View(Set<String> contests, Set<String> states, Level level, Format format, Instant asOf) {

  enum Level { NATIONAL, STATE, COUNTY }

  /** The snapshot's media type: JSON, or CSV rows (see {@link ResultsCsv}); the stream is JSON only. */
  enum Format { JSON, CSV }

  static View parse(MultiMap query, Election election) {
    var errors = new JsonArray();
    var contests = Set.copyOf(query.getAll("contest"));
    contests.stream().filter(c -> election.contest(c).isEmpty()).sorted()
        .forEach(c -> errors.add(error("contest", "unknown contest '" + c + "'")));
    var states = Set.copyOf(query.getAll("state"));
    states.stream().filter(s -> election.state(s).isEmpty()).sorted()
        .forEach(s -> errors.add(error("state", "unknown state '" + s + "'")));
    var level = oneOf(query, "level", Level.class, Level.STATE, "must be national, state or county", errors);
    var format = oneOf(query, "format", Format.class, Format.JSON, "must be json or csv", errors);
    Instant asOf = null;
    var asOfs = query.getAll("asOf");
    if (asOfs.size() > 1) {
      errors.add(error("asOf", "give one instant"));
    } else if (asOfs.size() == 1) {
      try {
        asOf = Instant.parse(asOfs.get(0));
      } catch (java.time.format.DateTimeParseException e) {
        errors.add(error("asOf", "must be an instant such as 2026-11-03T23:00:00Z"));
      }
    }
    var since = query.getAll("since");
    if (since.size() > 1 || (since.size() == 1 && !since.get(0).matches("\\d{1,18}"))) {
      errors.add(error("since", "must be one non-negative integer sequence"));
    }
    var unknown = query.names().stream().filter(n -> !List.of("contest", "state", "level", "format", "asOf", "since").contains(n))
        .sorted().toList();
    unknown.forEach(n -> errors.add(error(n, "unknown parameter")));
    if (!errors.isEmpty()) {
      throw Problem.malformed(errors);
    }
    return new View(contests, states, level, format, asOf);
  }

  boolean showsContest(String contest) {
    return contests.isEmpty() || contests.contains(contest);
  }

  boolean showsState(String state) {
    return level != Level.NATIONAL && (states.isEmpty() || states.contains(state));
  }

  boolean showsCounties() {
    return level == Level.COUNTY;
  }

  /** The value of {@code name}, one of {@code type}'s (any case), {@code fallback} if absent; else an error. */
  private static <E extends Enum<E>> E oneOf(MultiMap query, String name, Class<E> type, E fallback, String rule,
                                             JsonArray errors) {
    var values = query.getAll(name);
    if (values.size() > 1) {
      errors.add(error(name, "give one " + name));
    } else if (values.size() == 1) {
      try {
        return Enum.valueOf(type, values.get(0).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        errors.add(error(name, rule));
      }
    }
    return fallback;
  }

  private static JsonObject error(String field, String message) {
    return new JsonObject().put("field", field).put("message", message);
  }
}
