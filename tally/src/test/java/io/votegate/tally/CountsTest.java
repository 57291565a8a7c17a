package io.votegate.tally;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.votegate.model.AcceptedBallot;
import io.votegate.model.Election;
import io.votegate.platform.Problem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** The counters and what they render: snapshots for a view, and deltas that carry only changed units, absolutely. */
class CountsTest {
  private static final Instant START = Instant.parse("2026-11-03T12:00:00Z");
  private static final Instant DURING = START.plus(Duration.ofHours(1));
  private final Election demo = Election.load("demo", START);
  private final Counts counts = new Counts(demo);

  private void count(String state, String county, Map<String, List<String>> selections) {
    counts.apply(new AcceptedBallot(UUID.randomUUID(), "demo", state, county, selections, START), START.toEpochMilli());
  }

  private static View view(String query) {
    var params = MultiMap.caseInsensitiveMultiMap();
    for (var pair : query.isEmpty() ? new String[0] : query.split("&")) {
      var kv = pair.split("=", 2);
      params.add(kv[0], kv[1]);
    }
    return View.parse(params, Election.load("demo", START));
  }

  @Test
  void aBallotCountsForEveryContestOnItsBallotUndervotesIncluded() {
    count("RI", "44007", Map.of("president", List.of("dem")));
    var snapshot = counts.snapshot(view("level=county"), DURING);
    var president = snapshot.getJsonArray("contests").getJsonObject(0);
    var council = snapshot.getJsonArray("contests").getJsonObject(1);
    assertEquals(1, president.getLong("ballots"));
    assertEquals(1, president.getJsonObject("totals").getLong("dem"));
    assertEquals(1, council.getLong("ballots"), "the council was on this ballot, left blank");
    assertEquals(0, council.getJsonObject("totals").getLong("ahn"));
    var ri = president.getJsonArray("states").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("state").equals("RI")).findFirst().orElseThrow();
    assertEquals(demo.state("RI").orElseThrow().voters(), ri.getLong("expected"));
    assertEquals(false, ri.getBoolean("embargoed"));
    assertEquals(1, ri.getJsonArray("counties").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("fips").equals("44007")).findFirst().orElseThrow().getLong("ballots"));
    assertEquals(1, counts.sequence());
  }

  @Test
  void aDeltaHoldsOnlyUnitsChangedSinceWithAbsoluteCounts() {
    count("DE", "10001", Map.of("president", List.of("rep")));
    long since = counts.sequence();
    count("HI", "15003", Map.of("president", List.of("dem"), "council", List.of("ahn", "kealoha")));
    count("HI", "15003", Map.of("president", List.of("dem")));
    var delta = counts.delta(view("level=county"), since, DURING);
    assertEquals(3, delta.getLong("sequence"));
    var president = delta.getJsonArray("contests").getJsonObject(0);
    assertEquals(1, president.getJsonObject("totals").getLong("rep"), "totals are national and absolute");
    assertEquals(2, president.getJsonObject("totals").getLong("dem"));
    var states = president.getJsonArray("states");
    assertEquals(1, states.size(), "Delaware did not change");
    var hi = states.getJsonObject(0);
    assertEquals("HI", hi.getString("state"));
    assertEquals(2, hi.getLong("ballots"));
    assertEquals(1, hi.getJsonArray("counties").size());
    assertNull(counts.delta(view(""), counts.sequence(), DURING), "nothing changed since now");
    assertEquals(delta, counts.delta(view("level=county"), since, DURING), "a delta is a pure function: idempotent");
  }

  @Test
  void filtersNarrowContestsStatesAndDepth() {
    count("RI", "44001", Map.of("council", List.of("moreau")));
    var national = counts.snapshot(view("level=national"), DURING).getJsonArray("contests");
    assertFalse(national.getJsonObject(0).containsKey("states"));
    var council = counts.snapshot(view("contest=council&state=RI"), DURING).getJsonArray("contests");
    assertEquals(1, council.size());
    assertEquals(1, council.getJsonObject(0).getJsonArray("states").size());
    assertFalse(council.getJsonObject(0).getJsonArray("states").getJsonObject(0).containsKey("counties"));
    assertEquals(1, council.getJsonObject(0).getJsonObject("totals").getLong("moreau"));
  }

  @Test
  void anEmbargoedStateShowsNoCountsUntilItsPollsClose() {
    var embargoed = new Election("demo", "Embargoed", true, true, demo.contests(), demo.states());
    var embargoCounts = new Counts(embargoed);
    embargoCounts.apply(new AcceptedBallot(UUID.randomUUID(), "demo", "DE", "10001",
        Map.of("president", List.of("rep")), START), START.toEpochMilli());
    var during = embargoCounts.snapshot(view(""), DURING).getJsonArray("contests").getJsonObject(0);
    assertEquals(0, during.getJsonObject("totals").getLong("rep"), "totals leak nothing of an embargoed state");
    var de = during.getJsonArray("states").getJsonObject(0);
    assertTrue(de.getBoolean("embargoed"));
    assertFalse(de.containsKey("votes"));
    var after = embargoCounts.snapshot(view(""), START.plus(Duration.ofHours(25))).getJsonArray("contests")
        .getJsonObject(0);
    assertEquals(1, after.getJsonObject("totals").getLong("rep"));
  }

  @Test
  void unknownFiltersAreRefusedNotIgnored() {
    for (var query : List.of("level=galaxy", "contest=mayor", "state=ZZ", "since=-1", "color=red", "level=state&level=county")) {
      var problem = assertThrows(Problem.class, () -> view(query), query);
      assertEquals("malformed", problem.code());
    }
  }

  @Test
  void aBallotOfAnotherElectionOrAnUnknownCountyIsNotCounted() {
    counts.apply(new AcceptedBallot(UUID.randomUUID(), "us-2020", "DE", "10001", Map.of("president", List.of("dem")), START), START.toEpochMilli());
    counts.apply(new AcceptedBallot(UUID.randomUUID(), "demo", "DE", "99999", Map.of("president", List.of("dem")), START), START.toEpochMilli());
    assertEquals(0, counts.sequence());
    assertEquals(2, counts.skipped());
  }

  @Test
  void eachUnitSaysWhenItsCountLastChangedAndARehearsalSaysItIsOne() {
    var at = DURING.plusMillis(1_500);
    counts.apply(new AcceptedBallot(UUID.randomUUID(), "demo", "HI", "15001", Map.of("president", List.of("dem")),
        START), at.toEpochMilli());
    counts.apply(new AcceptedBallot(UUID.randomUUID(), "demo", "HI", "15003", Map.of("president", List.of("dem")),
        START), at.minusSeconds(60).toEpochMilli());
    var snapshot = counts.snapshot(view("level=county&state=HI"), DURING);
    assertTrue(snapshot.getBoolean("test"), "demo is a rehearsal");
    var hawaii = snapshot.getJsonArray("contests").getJsonObject(0).getJsonArray("states").getJsonObject(0);
    assertEquals(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), hawaii.getString("lastUpdated"),
        "the state's latest decision, to the second");
    var byFips = new java.util.HashMap<String, Object>();
    hawaii.getJsonArray("counties").forEach(c -> byFips.put(((io.vertx.core.json.JsonObject) c).getString("fips"),
        ((io.vertx.core.json.JsonObject) c).getValue("lastUpdated")));
    assertEquals(at.minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), byFips.get("15003"));
    assertNull(byFips.get("15009"), "a county with no ballot has no time");
  }

  @Test
  void aCheckpointRestoresEveryCounterAndTheSequenceAndRefusesAnotherDefinition() {
    count("RI", "44007", Map.of("president", List.of("rep"), "council", List.of("ahn", "santos")));
    count("DE", "10003", Map.of("president", List.of("dem")));
    var restored = new Counts(demo);
    restored.restore(new io.vertx.core.json.JsonObject(counts.toCheckpoint().encode()));
    assertEquals(counts.sequence(), restored.sequence());
    assertEquals(counts.snapshot(view("level=county"), DURING), restored.snapshot(view("level=county"), DURING));
    assertEquals(counts.delta(view("level=county"), 1, DURING), restored.delta(view("level=county"), 1, DURING),
        "each unit's last change is restored too, so a resume from before the restart is exact");
    var usElection = new Counts(Election.load("us-2020", START));
    assertThrows(IllegalArgumentException.class, () -> usElection.restore(counts.toCheckpoint()));
    restored.clear();
    assertEquals(0, restored.sequence());
    assertEquals(new Counts(demo).snapshot(view("level=county"), DURING), restored.snapshot(view("level=county"), DURING));
  }
}
