package io.votegate.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An election definition: contests, candidates, which contests each state's ballot carries, and each state's poll window.
 *
 * <p>Definitions are JSON. Poll windows are either absolute ({@code "opens"}, {@code "closes"} as instants) or relative
 * to the election's start ({@code "opensAfter"}, {@code "closesAfter"} as ISO durations), so that a demo can open "now".
 * A {@code "test": true} election is a rehearsal (every simulated one is): results say so, so that no newsroom
 * reports a rehearsal's counts as an election's.
 */
public record Election(String id, String name, boolean embargo, boolean test, List<Contest> contests,
                       List<State> states) {

  public record Candidate(String id, String name, String party) {}

  public record Contest(String id, String title, int maxChoices, List<Candidate> candidates, Set<String> states) {
    public Optional<Candidate> candidate(String candidateId) {
      return byKey(candidates, Candidate::id, candidateId);
    }

    public boolean onBallotIn(String state) {
      return states.contains(state);
    }
  }

  private static final java.time.format.DateTimeFormatter POLL_TIME =
      java.time.format.DateTimeFormatter.ofPattern("EEEE, MMMM d, h:mm a zzz", java.util.Locale.US);

  public record County(String fips, String name, int voters) {}

  /** A state and its poll window; {@code zone} is where its voters read the clock (poll times are shown in it). */
  public record State(String code, String name, Instant opens, Instant closes, ZoneId zone, List<County> counties) {
    public boolean pollsOpenAt(Instant at) {
      return !at.isBefore(opens) && at.isBefore(closes);
    }

    /** An instant as this state's voters read their clocks: "Tuesday, November 3, 7:00 AM EST". */
    public String formatted(Instant instant) {
      return POLL_TIME.withZone(zone).format(instant);
    }

    public boolean pollsClosedAt(Instant at) {
      return !at.isBefore(closes);
    }

    public Optional<County> county(String fips) {
      return byKey(counties, County::fips, fips);
    }

    public int voters() {
      return counties.stream().mapToInt(County::voters).sum();
    }
  }

  /** Loads a shipped election by name ({@code demo}, {@code us-2020}) or a definition file by path. */
  public static Election load(String nameOrPath, Instant start) {
    var resource = "/elections/" + nameOrPath + ".json";
    try (InputStream in = Election.class.getResourceAsStream(resource)) {
      if (in != null) {
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), nameOrPath, start);
      }
      var path = Path.of(nameOrPath);
      if (Files.isRegularFile(path)) {
        return parse(Files.readString(path), path.toString(), start);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("unknown election '" + nameOrPath + "': neither a shipped election nor a file");
  }

  /** A definition's text, checked first ({@link ElectionCheck}): every problem is named, with the source. */
  private static Election parse(String text, String source, Instant start) {
    var problems = ElectionCheck.problems(text);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(source + " is not a valid election definition (" + problems.size()
          + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", problems));
    }
    return fromJson(new JsonObject(text), start);
  }

  public static Election fromJson(JsonObject json, Instant start) {
    var defaultPolls = json.getJsonObject("polls", new JsonObject());
    var zones = json.getJsonObject("timeZones", new JsonObject());
    var states = json.containsKey("countiesFrom")
        ? statesFromCsv(json.getJsonObject("countiesFrom"), defaultPolls, zones, start)
        : json.getJsonArray("states").stream()
            .map(JsonObject.class::cast)
            .map(s -> parseState(s, s.getJsonObject("polls", defaultPolls), zones, start))
            .toList();
    var allStates = states.stream().map(State::code).collect(Collectors.toUnmodifiableSet());
    var contests = json.getJsonArray("contests").stream()
        .map(JsonObject.class::cast)
        .map(c -> new Contest(
            c.getString("id"),
            c.getString("title"),
            c.getInteger("maxChoices", 1),
            c.getJsonArray("candidates").stream()
                .map(JsonObject.class::cast)
                .map(k -> new Candidate(k.getString("id"), k.getString("name"), k.getString("party", "")))
                .toList(),
            "all".equals(c.getValue("states"))
                ? allStates
                : c.getJsonArray("states").stream().map(String.class::cast).collect(Collectors.toUnmodifiableSet())))
        .toList();
    var election = new Election(json.getString("id"), json.getString("name"), json.getBoolean("embargo", false),
        json.getBoolean("test", false), contests, states);
    election.check();
    return election;
  }

  private static State parseState(JsonObject s, JsonObject polls, JsonObject zones, Instant start) {
    var zone = ZoneId.of(s.getString("timeZone", zones.getString(s.getString("code"), "UTC")));
    Instant opens;
    Instant closes;
    if (polls.containsKey("date")) { // local times on a date, as the state's voters read their clocks
      var date = java.time.LocalDate.parse(polls.getString("date"));
      opens = date.atTime(java.time.LocalTime.parse(polls.getString("opens"))).atZone(zone).toInstant();
      closes = date.atTime(java.time.LocalTime.parse(polls.getString("closes"))).atZone(zone).toInstant();
    } else {
      opens = polls.containsKey("opens") ? Instant.parse(polls.getString("opens"))
          : start.plus(Duration.parse(polls.getString("opensAfter", "PT0S")));
      closes = polls.containsKey("closes") ? Instant.parse(polls.getString("closes"))
          : start.plus(Duration.parse(polls.getString("closesAfter", "PT24H")));
    }
    var counties = s.getJsonArray("counties").stream()
        .map(JsonObject.class::cast)
        .map(c -> new County(c.getString("fips"), c.getString("name"), c.getInteger("voters", 0)))
        .toList();
    return new State(s.getString("code"), s.getString("name"), opens, closes, zone, counties);
  }

  /**
   * States and counties from a results CSV ({@code state_name, county_fips, county_name, ..., total_votes}): each
   * county's roll is its total votes. Names contain no commas in the shipped data; a row that breaks this fails.
   */
  private static List<State> statesFromCsv(JsonObject source, JsonObject polls, JsonObject zones, Instant start) {
    var codes = source.getJsonObject("stateCodes");
    var counties = new LinkedHashMap<String, List<County>>();
    try (InputStream in = Election.class.getResourceAsStream(source.getString("csv"))) {
      if (in == null) {
        throw new IllegalArgumentException("missing county data " + source.getString("csv"));
      }
      var lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n");
      var header = List.of(lines[0].split(","));
      int state = header.indexOf("state_name");
      int fips = header.indexOf("county_fips");
      int name = header.indexOf("county_name");
      int total = header.indexOf("total_votes");
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        var cells = lines[i].split(",", -1);
        if (cells.length != header.size()) {
          throw new IllegalArgumentException("county data line " + (i + 1) + " has " + cells.length + " cells");
        }
        var code = codes.getString(cells[state]);
        if (code == null) {
          throw new IllegalArgumentException("county data line " + (i + 1) + ": no code for " + cells[state]);
        }
        counties.computeIfAbsent(code, k -> new java.util.ArrayList<>())
            .add(new County(cells[fips], cells[name], Integer.parseInt(cells[total])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var names = new LinkedHashMap<String, String>();
    codes.forEach(e -> names.put((String) e.getValue(), e.getKey()));
    return counties.entrySet().stream()
        .map(e -> parseState(new JsonObject().put("code", e.getKey()).put("name", names.get(e.getKey()))
            .put("counties", new JsonArray()), polls, zones, start))
        .map(s -> new State(s.code(), s.name(), s.opens(), s.closes(), s.zone(), List.copyOf(counties.get(s.code()))))
        .toList();
  }

  private void check() {
    for (var contest : contests) {
      if (contest.maxChoices() < 1 || contest.maxChoices() > contest.candidates().size()) {
        throw new IllegalArgumentException("contest " + contest.id() + ": maxChoices out of range");
      }
      for (var state : contest.states()) {
        if (state(state).isEmpty()) {
          throw new IllegalArgumentException("contest " + contest.id() + ": unknown state " + state);
        }
      }
    }
    for (var state : states) {
      for (var county : state.counties()) {
        if (!county.fips().matches("\\d{5}")) {
          throw new IllegalArgumentException("state " + state.code() + ": county FIPS must be 5 digits: " + county.fips());
        }
      }
    }
  }

  /** The same election with every county's roll scaled by {@code factor} (rounded; 1.0 is the definition as is). */
  public Election scaled(double factor) {
    if (factor == 1.0) {
      return this;
    }
    if (!(factor > 0)) {
      throw new IllegalArgumentException("scale must be positive, not " + factor);
    }
    var scaledStates = states.stream().map(s -> new State(s.code(), s.name(), s.opens(), s.closes(), s.zone(),
        s.counties().stream().map(c -> new County(c.fips(), c.name(), scale(c.voters(), factor))).toList()))
        .toList();
    return new Election(id, name, embargo, test, contests, scaledStates);
  }

  /** Rounded, but a county with voters keeps at least one, so every county can report. */
  private static int scale(int voters, double factor) {
    return voters == 0 ? 0 : (int) Math.max(1, Math.round(voters * factor));
  }

  /**
   * The item whose key is {@code key}. The look-ups by ID run for every ballot the gateway takes: a loop, where a
   * stream's pipeline was three objects a call (the key functions are method references, made once).
   */
  private static <T> Optional<T> byKey(List<T> items, java.util.function.Function<T, String> keyOf, String key) {
    for (var item : items) {
      if (keyOf.apply(item).equals(key)) {
        return Optional.of(item);
      }
    }
    return Optional.empty();
  }

  public Optional<State> state(String code) {
    return byKey(states, State::code, code);
  }

  public Optional<Contest> contest(String contestId) {
    return byKey(contests, Contest::id, contestId);
  }

  public List<Contest> ballotFor(String state) {
    return contests.stream().filter(c -> c.onBallotIn(state)).toList();
  }

  public int voters() {
    return states.stream().mapToInt(State::voters).sum();
  }

  /** Public information, as served by {@code GET /api/v1/election}. */
  public JsonObject publicJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("embargo", embargo)
        .put("test", test)
        .put("contests", new JsonArray(contests.stream().map(c -> contestJson(c)
            .put("states", new JsonArray(c.states().stream().sorted().toList()))).toList()))
        .put("states", new JsonArray(states.stream().map(s -> new JsonObject()
            .put("code", s.code())
            .put("name", s.name())
            .put("opens", s.opens().toString())
            .put("closes", s.closes().toString())
            .put("timeZone", s.zone().getId())
            .put("counties", new JsonArray(s.counties().stream()
                .map(c -> new JsonObject().put("fips", c.fips()).put("name", c.name())).toList())))
            .toList()));
  }

  /** The ballot of one state, as returned with a new session. */
  public JsonObject ballotJson(String state) {
    return new JsonObject().put("contests", new JsonArray(ballotFor(state).stream().map(Election::contestJson).toList()));
  }

  private static JsonObject contestJson(Contest c) {
    return new JsonObject()
        .put("id", c.id())
        .put("title", c.title())
        .put("maxChoices", c.maxChoices())
        .put("candidates", new JsonArray(c.candidates().stream()
            .map(k -> new JsonObject().put("id", k.id()).put("name", k.name()).put("party", k.party()))
            .toList()));
  }

  /** Checks selections against this voter's ballot; returns one problem per fault, empty when the ballot is valid. */
  public List<BallotProblem> validate(String state, Map<String, List<String>> selections) {
    var problems = new java.util.ArrayList<BallotProblem>();
    selections.forEach((contestId, choices) -> {
      var contest = contest(contestId);
      if (contest.isEmpty()) {
        problems.add(new BallotProblem("unknown_contest", contestId, null));
        return;
      }
      if (!contest.get().onBallotIn(state)) {
        problems.add(new BallotProblem("contest_not_on_ballot", contestId, null));
        return;
      }
      // Most contests take one choice, which cannot repeat: no set for those.
      var seen = choices.size() > 1 ? new java.util.HashSet<String>() : null;
      for (var choice : choices) {
        if (contest.get().candidate(choice).isEmpty()) {
          problems.add(new BallotProblem("unknown_candidate", contestId, choice));
        } else if (seen != null && !seen.add(choice)) {
          problems.add(new BallotProblem("duplicate_choice", contestId, choice));
        }
      }
      if (choices.size() > contest.get().maxChoices()) {
        problems.add(new BallotProblem("overvote", contestId, null));
      }
    });
    return problems;
  }

  /** One fault in a submitted ballot; {@code candidate} is null where the fault is the contest's. */
  public record BallotProblem(String code, String contest, String candidate) {
    public JsonObject toJson() {
      var json = new JsonObject().put("code", code).put("contest", contest);
      return candidate == null ? json : json.put("candidate", candidate);
    }
  }

  /** Every state's county list keyed by FIPS, in definition order. */
  public Map<String, County> countiesByFips() {
    var map = new LinkedHashMap<String, County>();
    states.forEach(s -> s.counties().forEach(c -> map.put(c.fips(), c)));
    return map;
  }
}
