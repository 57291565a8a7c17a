package io.votegate.tally;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.votegate.model.AcceptedBallot;
import io.votegate.model.DayControls;
import io.votegate.model.Election;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live counters: per contest × state × county, votes per candidate and ballots the contest appeared on. Counts
 * are a pure function of the accepted ballots applied. {@code sequence} grows with every ballot; every unit remembers
 * the sequence of its last change, so a delta "since N" is exact and conflated (absolute counts, each unit once),
 * for any N, in memory that grows with units, never with ballots or clients. Confined to the tally's event loop.
 */
final class Counts {

  private static final class Unit {
    final long[] votes;
    long ballots;
    long changedAt;
    /** When its count last changed: the latest decision time (record timestamp) of its ballots, in ms. */
    long updatedAt;

    Unit(int candidates) {
      votes = new long[candidates];
    }
  }

  private record StateUnits(Election.State state, Unit total, Map<String, Unit> counties) {}

  private record ContestUnits(Election.Contest contest, Map<String, StateUnits> states) {}

  private final Election election;
  private final DayControls controls;
  private final Map<String, ContestUnits> contests = new LinkedHashMap<>();
  /** "state/fips" of every county: checked for each ballot, so a set rather than a scan of the definition. */
  private final java.util.Set<String> counties = new java.util.HashSet<>();
  private long sequence;
  private long skipped;

  Counts(Election election) {
    this(election, new DayControls());
  }

  /** {@code controls}: the windows in force, as operators' commands change them (the embargo follows). */
  Counts(Election election, DayControls controls) {
    this.election = election;
    this.controls = controls;
    election.states().forEach(s -> s.counties().forEach(c -> counties.add(s.code() + "/" + c.fips())));
    for (var contest : election.contests()) {
      var states = new LinkedHashMap<String, StateUnits>();
      for (var state : election.states()) {
        if (contest.onBallotIn(state.code())) {
          var counties = new LinkedHashMap<String, Unit>();
          state.counties().forEach(c -> counties.put(c.fips(), new Unit(contest.candidates().size())));
          states.put(state.code(), new StateUnits(state, new Unit(contest.candidates().size()), counties));
        }
      }
      contests.put(contest.id(), new ContestUnits(contest, states));
    }
  }

  long sequence() {
    return sequence;
  }

  String electionId() {
    return election.id();
  }

  /** Ballots that named a state, county or candidate this election does not have; never counted. */
  long skipped() {
    return skipped;
  }

  /** Counts one accepted ballot, decided at {@code decidedAt} (its record's timestamp, ms). */
  void apply(AcceptedBallot ballot, long decidedAt) {
    if (!election.id().equals(ballot.electionId()) || !counties.contains(ballot.state() + "/" + ballot.county())) {
      skipped++;
      return;
    }
    var seq = ++sequence;
    for (var units : contests.values()) {
      var state = units.states().get(ballot.state());
      if (state == null) {
        continue;
      }
      var county = state.counties().get(ballot.county());
      state.total().ballots++;
      county.ballots++;
      for (var choice : ballot.selections().getOrDefault(units.contest().id(), List.of())) {
        int index = indexOf(units.contest(), choice);
        if (index >= 0) {
          state.total().votes[index]++;
          county.votes[index]++;
        }
      }
      state.total().changedAt = seq;
      county.changedAt = seq;
      state.total().updatedAt = Math.max(state.total().updatedAt, decidedAt);
      county.updatedAt = Math.max(county.updatedAt, decidedAt);
    }
  }

  /** The full picture for a view, as {@code GET /api/v1/results} and the stream's first event give it. */
  JsonObject snapshot(View view, Instant now) {
    var contestsJson = new JsonArray();
    for (var units : contests.values()) {
      if (!view.showsContest(units.contest().id())) {
        continue;
      }
      var contest = units.contest();
      var json = contestHead(units, now)
          .put("title", contest.title())
          .put("candidates", new JsonArray(contest.candidates().stream()
              .map(k -> new JsonObject().put("id", k.id()).put("name", k.name()).put("party", k.party())).toList()));
      if (view.level() != View.Level.NATIONAL) {
        var states = new JsonArray();
        units.states().values().stream().filter(s -> view.showsState(s.state().code()))
            .forEach(s -> states.add(stateJson(contest, s, view, now, true, 0)));
        json.put("states", states);
      }
      contestsJson.add(json);
    }
    return new JsonObject()
        .put("electionId", election.id())
        .put("sequence", sequence)
        .put("generatedAt", now.toString())
        .put("status", election.states().stream().allMatch(s -> controls.pollsClosedAt(s, now)) ? "closed" : "open")
        .put("test", election.test())
        .put("contests", contestsJson);
  }

  /** What changed after {@code since}, for a view: changed units only, with absolute counts; null if nothing did. */
  JsonObject delta(View view, long since, Instant now) {
    var contestsJson = new JsonArray();
    for (var units : contests.values()) {
      if (!view.showsContest(units.contest().id())) {
        continue;
      }
      var changed = units.states().values().stream()
          .filter(s -> s.total().changedAt > since && !embargoed(s.state(), now)).toList();
      if (changed.isEmpty()) {
        continue;
      }
      var json = contestHead(units, now);
      if (view.level() != View.Level.NATIONAL) {
        var states = new JsonArray();
        changed.stream().filter(s -> view.showsState(s.state().code()))
            .forEach(s -> states.add(stateJson(units.contest(), s, view, now, false, since)));
        json.put("states", states);
      }
      contestsJson.add(json);
    }
    return contestsJson.isEmpty() ? null : new JsonObject().put("sequence", sequence).put("contests", contestsJson);
  }

  private JsonObject contestHead(ContestUnits units, Instant now) {
    var totals = new long[units.contest().candidates().size()];
    long ballots = 0;
    for (var state : units.states().values()) {
      if (!embargoed(state.state(), now)) {
        ballots += state.total().ballots;
        for (int i = 0; i < totals.length; i++) {
          totals[i] += state.total().votes[i];
        }
      }
    }
    return new JsonObject().put("id", units.contest().id()).put("totals", votes(units.contest(), totals))
        .put("ballots", ballots);
  }

  /** A state's entry; in a delta only its counties changed after {@code since}, and no static fields. */
  private JsonObject stateJson(Election.Contest contest, StateUnits s, View view, Instant now, boolean snapshot,
                               long since) {
    var state = s.state();
    var json = new JsonObject().put("state", state.code());
    if (snapshot) {
      json.put("pollsClosed", controls.pollsClosedAt(state, now)).put("embargoed", embargoed(state, now));
      if (embargoed(state, now)) {
        return json;
      }
    }
    json.put("ballots", s.total().ballots).put("lastUpdated", lastUpdated(s.total()));
    if (snapshot) {
      long expected = state.voters();
      json.put("expected", expected)
          .put("percentReporting", expected == 0 ? 0.0 : Math.round(1000.0 * s.total().ballots / expected) / 10.0);
    }
    json.put("votes", votes(contest, s.total().votes));
    if (view.showsCounties()) {
      var counties = new JsonArray();
      for (var county : state.counties()) {
        var unit = s.counties().get(county.fips());
        if (unit.changedAt > since || snapshot) {
          var c = new JsonObject().put("fips", county.fips()).put("name", county.name()).put("ballots", unit.ballots)
              .put("lastUpdated", lastUpdated(unit));
          if (snapshot) {
            c.put("expected", (long) county.voters());
          }
          counties.add(c.put("votes", votes(contest, unit.votes)));
        }
      }
      json.put("counties", counties);
    }
    return json;
  }

  /** How many states are under embargo now; when it changes, every client needs a fresh snapshot. */
  long embargoedStates(Instant now) {
    return election.states().stream().filter(s -> embargoed(s, now)).count();
  }

  private boolean embargoed(Election.State state, Instant now) {
    return election.embargo() && !controls.pollsClosedAt(state, now); // the embargo follows the window in force
  }

  // --- checkpoints ----------------------------------------------------------------------------------------------

  /**
   * Every counter and the sequence, as a checkpoint stores them: per contest, state and county, {@code [ballots,
   * changedAt, updatedAt, votes…]}. With the offsets they reflect (kept by the caller), it is the whole state of the tally.
   */
  JsonObject toCheckpoint() {
    var contestsJson = new JsonObject();
    for (var units : contests.values()) {
      var states = new JsonObject();
      for (var state : units.states().values()) {
        var countiesJson = new JsonObject();
        state.counties().forEach((fips, unit) -> countiesJson.put(fips, unitJson(unit)));
        states.put(state.state().code(), new JsonObject().put("total", unitJson(state.total()))
            .put("counties", countiesJson));
      }
      contestsJson.put(units.contest().id(), states);
    }
    return new JsonObject().put("electionId", election.id()).put("sequence", sequence).put("skipped", skipped)
        .put("contests", contestsJson);
  }

  /**
   * Replaces every counter with a checkpoint's. Refuses one of another election, or whose contests, states, counties
   * or candidates differ from this definition's (a changed definition needs a replay, not a restore).
   */
  void restore(JsonObject checkpoint) {
    if (!election.id().equals(checkpoint.getString("electionId"))) {
      throw new IllegalArgumentException("a checkpoint of election " + checkpoint.getString("electionId"));
    }
    var contestsJson = checkpoint.getJsonObject("contests");
    if (!contestsJson.fieldNames().equals(contests.keySet())) {
      throw new IllegalArgumentException("the checkpoint's contests differ from the definition's");
    }
    for (var units : contests.values()) {
      var states = contestsJson.getJsonObject(units.contest().id());
      if (!states.fieldNames().equals(units.states().keySet())) {
        throw new IllegalArgumentException("contest " + units.contest().id() + ": the checkpoint's states differ");
      }
      for (var state : units.states().values()) {
        var stateJson = states.getJsonObject(state.state().code());
        var countiesJson = stateJson.getJsonObject("counties");
        if (!countiesJson.fieldNames().equals(state.counties().keySet())) {
          throw new IllegalArgumentException(state.state().code() + ": the checkpoint's counties differ");
        }
        restoreUnit(state.total(), stateJson.getJsonArray("total"));
        state.counties().forEach((fips, unit) -> restoreUnit(unit, countiesJson.getJsonArray(fips)));
      }
    }
    sequence = checkpoint.getLong("sequence");
    skipped = checkpoint.getLong("skipped");
  }

  /** Every counter back to zero, as before the first ballot. */
  void clear() {
    for (var units : contests.values()) {
      for (var state : units.states().values()) {
        reset(state.total());
        state.counties().values().forEach(Counts::reset);
      }
    }
    sequence = 0;
    skipped = 0;
  }

  private static void reset(Unit unit) {
    unit.ballots = 0;
    unit.changedAt = 0;
    unit.updatedAt = 0;
    java.util.Arrays.fill(unit.votes, 0);
  }

  private static JsonArray unitJson(Unit unit) {
    var json = new JsonArray().add(unit.ballots).add(unit.changedAt).add(unit.updatedAt);
    for (long v : unit.votes) {
      json.add(v);
    }
    return json;
  }

  private static void restoreUnit(Unit unit, JsonArray json) {
    if (json.size() != 3 + unit.votes.length) {
      throw new IllegalArgumentException("a unit with " + (json.size() - 3) + " candidates, not " + unit.votes.length);
    }
    unit.ballots = json.getLong(0);
    unit.changedAt = json.getLong(1);
    unit.updatedAt = json.getLong(2);
    for (int i = 0; i < unit.votes.length; i++) {
      unit.votes[i] = json.getLong(3 + i);
    }
  }

  /** When a unit's count last changed, to the second; null if it has no ballot yet. */
  private static String lastUpdated(Unit unit) {
    return unit.updatedAt == 0 ? null : Instant.ofEpochMilli(unit.updatedAt).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static JsonObject votes(Election.Contest contest, long[] counts) {
    var json = new JsonObject();
    var candidates = contest.candidates();
    for (int i = 0; i < candidates.size(); i++) {
      json.put(candidates.get(i).id(), counts[i]);
    }
    return json;
  }

  private static int indexOf(Election.Contest contest, String candidate) {
    var candidates = contest.candidates();
    for (int i = 0; i < candidates.size(); i++) {
      if (candidates.get(i).id().equals(candidate)) {
        return i;
      }
    }
    return -1;
  }
}
