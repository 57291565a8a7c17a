package io.votegate.loadtest;

import io.vertx.core.json.JsonObject;
import io.votegate.model.Election;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tally's county-level snapshot and the receipts read back, compared with the plan, county by county and
 * contest by contest: every vote per candidate, the ballots each contest was on, and the receipts that say counted.
 */
record Reconciliation(List<StateRow> states, List<String> differences, long counties) {

  /** One state: what the plan expects, what the tally shows, what the receipts say (ballots). */
  record StateRow(String state, long expected, long tallied, long receipts, boolean equal) {}

  boolean ok() {
    return differences.isEmpty();
  }

  static Reconciliation of(VotePlan plan, JsonObject snapshot, Map<String, Long> countedReceipts) {
    var election = plan.election();
    var tallied = countyCounts(snapshot);
    var differences = new ArrayList<String>();
    var rows = new ArrayList<StateRow>();
    long counties = 0;
    for (var state : election.states()) {
      var ballot = election.ballotFor(state.code());
      long expectedBallots = 0;
      long talliedBallots = 0;
      long receipts = 0;
      int before = differences.size();
      for (var county : state.counties()) {
        counties++;
        var where = state.code() + " " + county.fips() + " " + county.name();
        for (var contest : ballot) {
          var expected = plan.expected(state.code(), county.fips(), contest);
          var actual = tallied.get(contest.id() + "/" + county.fips());
          if (actual == null) {
            differences.add(where + " " + contest.id() + ": missing from the tally (embargoed or unknown)");
            continue;
          }
          compare(differences, where + " " + contest.id() + " ballots", expected.ballots(), actual.getLong("ballots"));
          var votes = actual.getJsonObject("votes");
          for (int i = 0; i < contest.candidates().size(); i++) {
            var candidate = contest.candidates().get(i).id();
            compare(differences, where + " " + contest.id() + "/" + candidate, expected.votes()[i],
                votes.getLong(candidate, 0L));
          }
        }
        long countyBallots = county.voters();
        long countyTallied = ballot.isEmpty() ? 0
            : tallied.getOrDefault(ballot.get(0).id() + "/" + county.fips(), new JsonObject()).getLong("ballots", 0L);
        long countyReceipts = countedReceipts.getOrDefault(county.fips(), 0L);
        compare(differences, where + " receipts counted", countyBallots, countyReceipts);
        expectedBallots += countyBallots;
        talliedBallots += countyTallied;
        receipts += countyReceipts;
      }
      rows.add(new StateRow(state.code(), expectedBallots, talliedBallots, receipts, differences.size() == before));
    }
    return new Reconciliation(rows, differences, counties);
  }

  private static void compare(List<String> differences, String what, long expected, long actual) {
    if (expected != actual) {
      differences.add("%s: expected %,d, got %,d (%+,d)".formatted(what, expected, actual, actual - expected));
    }
  }

  /** contest/fips to the county's entry in a county-level snapshot. */
  private static Map<String, JsonObject> countyCounts(JsonObject snapshot) {
    var counts = new HashMap<String, JsonObject>();
    for (var contest : snapshot.getJsonArray("contests")) {
      var c = (JsonObject) contest;
      for (var state : c.getJsonArray("states", new io.vertx.core.json.JsonArray())) {
        for (var county : ((JsonObject) state).getJsonArray("counties", new io.vertx.core.json.JsonArray())) {
          counts.put(c.getString("id") + "/" + ((JsonObject) county).getString("fips"), (JsonObject) county);
        }
      }
    }
    return counts;
  }

  void print(PrintStream out, Election election) {
    out.println("Reconciliation, per state (ballots): plan / tally / receipts counted");
    var names = new LinkedHashMap<String, String>();
    election.states().forEach(s -> names.put(s.code(), s.name()));
    for (var row : states) {
      out.printf("  %-2s %-22s %,12d %,12d %,12d  %s%n", row.state(), names.get(row.state()), row.expected(),
          row.tallied(), row.receipts(), row.equal() ? "ok" : "DIFFERS");
    }
    if (differences.isEmpty()) {
      out.printf("  %d states, %,d counties: every count per contest and candidate equals the plan.%n", states.size(),
          counties);
      return;
    }
    out.printf("  %,d differences:%n", differences.size());
    differences.stream().limit(50).forEach(d -> out.println("    " + d));
    if (differences.size() > 50) {
      out.printf("    … and %,d more%n", differences.size() - 50);
    }
  }
}
