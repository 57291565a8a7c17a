package io.votegate.model;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an election definition (docs/election-format.md; the JSON Schema {@code election.schema.json} beside the
 * shipped elections) and names every problem at once, each with its field path, before anything is built from it:
 * {@code contests[1].maxChoices: 3 is more than its 2 candidates}. Every service runs it at startup, and
 * {@code ./votegate election check} prints it.
 */
public final class ElectionCheck {
  /** The fields each kind of object may have; anything else is an error (a typo is not silently ignored). */
  static final Map<String, Set<String>> FIELDS = Map.of(
      "election", Set.of("id", "name", "embargo", "test", "timeZones", "polls", "contests", "states", "countiesFrom"),
      "polls", Set.of("opensAfter", "closesAfter", "opens", "closes", "date"),
      "contest", Set.of("id", "title", "maxChoices", "candidates", "states"),
      "candidate", Set.of("id", "name", "party"),
      "state", Set.of("code", "name", "fips", "timeZone", "polls", "counties"),
      "county", Set.of("fips", "name", "voters"),
      "countiesFrom", Set.of("csv", "stateCodes"));

  /** The two-digit FIPS code of each US state and DC: a county's five-digit code starts with its state's. */
  static final Map<String, String> US_STATE_FIPS = Map.ofEntries(
      Map.entry("AL", "01"), Map.entry("AK", "02"), Map.entry("AZ", "04"), Map.entry("AR", "05"), Map.entry("CA", "06"),
      Map.entry("CO", "08"), Map.entry("CT", "09"), Map.entry("DE", "10"), Map.entry("DC", "11"), Map.entry("FL", "12"),
      Map.entry("GA", "13"), Map.entry("HI", "15"), Map.entry("ID", "16"), Map.entry("IL", "17"), Map.entry("IN", "18"),
      Map.entry("IA", "19"), Map.entry("KS", "20"), Map.entry("KY", "21"), Map.entry("LA", "22"), Map.entry("ME", "23"),
      Map.entry("MD", "24"), Map.entry("MA", "25"), Map.entry("MI", "26"), Map.entry("MN", "27"), Map.entry("MS", "28"),
      Map.entry("MO", "29"), Map.entry("MT", "30"), Map.entry("NE", "31"), Map.entry("NV", "32"), Map.entry("NH", "33"),
      Map.entry("NJ", "34"), Map.entry("NM", "35"), Map.entry("NY", "36"), Map.entry("NC", "37"), Map.entry("ND", "38"),
      Map.entry("OH", "39"), Map.entry("OK", "40"), Map.entry("OR", "41"), Map.entry("PA", "42"), Map.entry("RI", "44"),
      Map.entry("SC", "45"), Map.entry("SD", "46"), Map.entry("TN", "47"), Map.entry("TX", "48"), Map.entry("UT", "49"),
      Map.entry("VT", "50"), Map.entry("VA", "51"), Map.entry("WA", "53"), Map.entry("WV", "54"), Map.entry("WI", "55"),
      Map.entry("WY", "56"));

  private final List<String> problems = new ArrayList<>();

  private ElectionCheck() {}

  /** Every problem of a definition's text, as {@code path: what is wrong}; none if it is valid. */
  public static List<String> problems(String text) {
    var check = new ElectionCheck();
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      return List.of("(file): not a JSON object: " + e.getMessage().replaceAll("\\s+", " "));
    }
    check.election(json);
    return List.copyOf(check.problems);
  }

  private void election(JsonObject json) {
    fields(json, "election", "");
    requireString(json, "id", "", "[a-z0-9][a-z0-9.-]*");
    requireString(json, "name", "", null);
    bool(json, "embargo", "");
    bool(json, "test", "");
    var zones = object(json, "timeZones", "");
    if (zones != null) {
      zones.forEach(e -> zone(e.getValue(), "timeZones." + e.getKey()));
    }
    if (json.containsKey("polls")) {
      window(json.getValue("polls"), "polls", null);
    }
    var states = new HashSet<String>();
    if (json.containsKey("states") == json.containsKey("countiesFrom")) {
      problems.add("states: give either states or countiesFrom, not " + (json.containsKey("states") ? "both" : "neither"));
    }
    if (json.containsKey("states")) {
      var list = array(json, "states", "");
      if (list != null) {
        var fipsSeen = new HashSet<String>();
        for (int i = 0; i < list.size(); i++) {
          state(list.getValue(i), "states[" + i + "]", states, fipsSeen, zones, json.containsKey("polls"));
        }
      }
    } else if (json.getValue("countiesFrom") instanceof JsonObject from) {
      fields(from, "countiesFrom", "countiesFrom.");
      requireString(from, "csv", "countiesFrom.", null);
      var codes = object(from, "stateCodes", "countiesFrom.");
      if (codes != null) {
        codes.forEach(e -> states.add(String.valueOf(e.getValue())));
      }
    }
    var contests = array(json, "contests", "");
    if (contests == null) {
      return;
    }
    if (contests.isEmpty()) {
      problems.add("contests: an election needs at least one contest");
    }
    var ids = new HashSet<String>();
    for (int i = 0; i < contests.size(); i++) {
      contest(contests.getValue(i), "contests[" + i + "]", ids, states);
    }
  }

  private void contest(Object value, String path, Set<String> ids, Set<String> states) {
    if (!(value instanceof JsonObject contest)) {
      problems.add(path + ": must be an object");
      return;
    }
    fields(contest, "contest", path + ".");
    var id = requireString(contest, "id", path + ".", "[a-z0-9][a-z0-9_-]*");
    if (id != null && !ids.add(id)) {
      problems.add(path + ".id: duplicate contest id '" + id + "'");
    }
    requireString(contest, "title", path + ".", null);
    var candidates = array(contest, "candidates", path + ".");
    int count = candidates == null ? 0 : candidates.size();
    if (candidates != null && candidates.isEmpty()) {
      problems.add(path + ".candidates: a contest needs at least one candidate");
    }
    var candidateIds = new HashSet<String>();
    for (int i = 0; i < count; i++) {
      var where = path + ".candidates[" + i + "]";
      if (!(candidates.getValue(i) instanceof JsonObject candidate)) {
        problems.add(where + ": must be an object");
        continue;
      }
      fields(candidate, "candidate", where + ".");
      var candidateId = requireString(candidate, "id", where + ".", "[a-z0-9][a-z0-9_-]*");
      if (candidateId != null && !candidateIds.add(candidateId)) {
        problems.add(where + ".id: duplicate candidate id '" + candidateId + "' in contest " + id);
      }
      requireString(candidate, "name", where + ".", null);
      if (candidate.containsKey("party") && !(candidate.getValue("party") instanceof String)) {
        problems.add(where + ".party: must be a string");
      }
    }
    if (contest.containsKey("maxChoices")) {
      if (!(contest.getValue("maxChoices") instanceof Integer max)) {
        problems.add(path + ".maxChoices: must be an integer");
      } else if (max < 1) {
        problems.add(path + ".maxChoices: must be at least 1, is " + max);
      } else if (count > 0 && max > count) {
        problems.add(path + ".maxChoices: " + max + " is more than its " + count + " candidate" + (count == 1 ? "" : "s"));
      }
    }
    var on = contest.getValue("states");
    if (on == null) {
      problems.add(path + ".states: missing (\"all\" or a list of state codes: the ballots that carry the contest)");
    } else if (on instanceof JsonArray list) {
      var seen = new HashSet<String>();
      for (int i = 0; i < list.size(); i++) {
        var code = list.getValue(i);
        if (!(code instanceof String s) || !states.contains(s)) {
          problems.add(path + ".states[" + i + "]: the ballot of an unknown state '" + code + "'");
        } else if (!seen.add(s)) {
          problems.add(path + ".states[" + i + "]: state '" + s + "' twice");
        }
      }
    } else if (!"all".equals(on)) {
      problems.add(path + ".states: must be \"all\" or a list of state codes");
    }
  }

  private void state(Object value, String path, Set<String> codes, Set<String> fipsSeen, JsonObject zones,
                     boolean defaultPolls) {
    if (!(value instanceof JsonObject state)) {
      problems.add(path + ": must be an object");
      return;
    }
    fields(state, "state", path + ".");
    var code = requireString(state, "code", path + ".", "[A-Z]{2}");
    if (code != null && !codes.add(code)) {
      problems.add(path + ".code: duplicate state '" + code + "'");
    }
    requireString(state, "name", path + ".", null);
    String prefix = code == null ? null : US_STATE_FIPS.get(code);
    if (state.containsKey("fips")) {
      prefix = requireString(state, "fips", path + ".", "\\d{2}");
    }
    ZoneId zone = null;
    if (state.containsKey("timeZone")) {
      zone = zone(state.getValue("timeZone"), path + ".timeZone");
    } else if (zones != null && code != null && zones.containsKey(code)) {
      zone = zone(zones.getValue(code), "timeZones." + code);
    } else {
      problems.add(path + ".timeZone: missing (give it here or in timeZones): poll times are the state's own");
    }
    if (state.containsKey("polls")) {
      window(state.getValue("polls"), path + ".polls", zone);
    } else if (!defaultPolls) {
      problems.add(path + ".polls: missing, and the election has no default polls");
    }
    var counties = array(state, "counties", path + ".");
    if (counties == null) {
      return;
    }
    if (counties.isEmpty()) {
      problems.add(path + ".counties: a state needs at least one county (its reporting units)");
    }
    for (int i = 0; i < counties.size(); i++) {
      var where = path + ".counties[" + i + "]";
      if (!(counties.getValue(i) instanceof JsonObject county)) {
        problems.add(where + ": must be an object");
        continue;
      }
      fields(county, "county", where + ".");
      var fips = requireString(county, "fips", where + ".", "\\d{5}");
      if (fips != null) {
        if (!fipsSeen.add(fips)) {
          problems.add(where + ".fips: duplicate county '" + fips + "'");
        }
        if (prefix != null && !fips.startsWith(prefix)) {
          problems.add(where + ".fips: '" + fips + "' is outside its state " + code + " (its counties start " + prefix + ")");
        }
      }
      requireString(county, "name", where + ".", null);
      if (!(county.getValue("voters") instanceof Integer voters)) {
        problems.add(where + ".voters: missing or not an integer (the county's roll size)");
      } else if (voters < 0) {
        problems.add(where + ".voters: a roll cannot be negative (" + voters + ")");
      }
    }
  }

  /** A poll window: relative (opensAfter, closesAfter), absolute (opens, closes as instants) or local (date, times). */
  private void window(Object value, String path, ZoneId zone) {
    if (!(value instanceof JsonObject polls)) {
      problems.add(path + ": must be an object");
      return;
    }
    fields(polls, "polls", path + ".");
    try {
      if (polls.containsKey("date")) {
        var date = LocalDate.parse(polls.getString("date"));
        var opens = LocalTime.parse(polls.getString("opens"));
        var closes = LocalTime.parse(polls.getString("closes"));
        if (!closes.isAfter(opens)) {
          problems.add(path + ".closes: " + closes + " is not after opens " + opens);
        }
        if (zone != null) {
          date.atTime(opens).atZone(zone);
        }
      } else if (polls.containsKey("opens") || polls.containsKey("closes")) {
        var opens = Instant.parse(polls.getString("opens"));
        var closes = Instant.parse(polls.getString("closes"));
        if (!closes.isAfter(opens)) {
          problems.add(path + ".closes: " + closes + " is not after opens " + opens);
        }
      } else {
        var opens = Duration.parse(polls.getString("opensAfter", "PT0S"));
        var closes = Duration.parse(polls.getString("closesAfter", "PT24H"));
        if (closes.compareTo(opens) <= 0) {
          problems.add(path + ".closesAfter: " + closes + " is not after opensAfter " + opens);
        }
      }
    } catch (DateTimeParseException | NullPointerException | ClassCastException e) {
      problems.add(path + ": a window is {opensAfter, closesAfter} (ISO durations), {opens, closes} (instants) or "
          + "{date, opens, closes} (a date and local times, HH:MM): " + String.valueOf(e.getMessage()));
    }
  }

  private ZoneId zone(Object value, String path) {
    try {
      return ZoneId.of(String.valueOf(value));
    } catch (DateTimeException e) {
      problems.add(path + ": unknown time zone '" + value + "' (an IANA name such as America/New_York)");
      return null;
    }
  }

  private void fields(JsonObject json, String kind, String path) {
    json.fieldNames().stream().filter(f -> !FIELDS.get(kind).contains(f)).sorted()
        .forEach(f -> problems.add(path + f + ": unknown field"));
  }

  private String requireString(JsonObject json, String field, String path, String pattern) {
    var value = json.getValue(field);
    if (!(value instanceof String text) || text.isBlank()) {
      problems.add(path + field + ": " + (value == null ? "missing" : "must be a non-empty string"));
      return null;
    }
    if (pattern != null && !text.matches(pattern)) {
      problems.add(path + field + ": '" + text + "' must match " + pattern);
    }
    return text;
  }

  private void bool(JsonObject json, String field, String path) {
    if (json.containsKey(field) && !(json.getValue(field) instanceof Boolean)) {
      problems.add(path + field + ": must be true or false");
    }
  }

  private JsonObject object(JsonObject json, String field, String path) {
    var value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      problems.add(path + field + ": must be an object");
      return null;
    }
    return object;
  }

  private JsonArray array(JsonObject json, String field, String path) {
    var value = json.getValue(field);
    if (!(value instanceof JsonArray array)) {
      problems.add(path + field + ": " + (value == null ? "missing" : "must be a list"));
      return null;
    }
    return array;
  }
}
