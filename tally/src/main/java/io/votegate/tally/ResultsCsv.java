package io.votegate.tally;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The snapshot as CSV, for newsrooms' spreadsheets and feeds: one row per contest, unit and candidate, where a unit
 * is the nation (always), each state shown (level state or county) and each county (level county). Made from the
 * snapshot JSON itself, so the two cannot disagree; an embargoed state has no rows, as it has no counts.
 */
final class ResultsCsv {
  static final String HEADER = "contest,unit,state,county_fips,county,candidate,votes,ballots\n";

  private ResultsCsv() {}

  static String of(JsonObject snapshot) {
    var csv = new StringBuilder(HEADER);
    for (var c : snapshot.getJsonArray("contests")) {
      var contest = (JsonObject) c;
      rows(csv, contest.getString("id"), "national", "", "", "", contest.getJsonObject("totals"),
          contest.getLong("ballots"));
      for (var s : contest.getJsonArray("states", new JsonArray())) {
        var state = (JsonObject) s;
        if (state.getBoolean("embargoed", false)) {
          continue;
        }
        rows(csv, contest.getString("id"), "state", state.getString("state"), "", "", state.getJsonObject("votes"),
            state.getLong("ballots"));
        for (var k : state.getJsonArray("counties", new JsonArray())) {
          var county = (JsonObject) k;
          rows(csv, contest.getString("id"), "county", state.getString("state"), county.getString("fips"),
              county.getString("name"), county.getJsonObject("votes"), county.getLong("ballots"));
        }
      }
    }
    return csv.toString();
  }

  private static void rows(StringBuilder csv, String contest, String unit, String state, String fips, String name,
                           JsonObject votes, long ballots) {
    votes.forEach(vote -> csv.append(field(contest)).append(',').append(unit).append(',').append(field(state))
        .append(',').append(field(fips)).append(',').append(field(name)).append(',').append(field(vote.getKey()))
        .append(',').append(vote.getValue()).append(',').append(ballots).append('\n'));
  }

  /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
  private static String field(String value) {
    boolean quote = value.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\r' || ch == '\n');
    return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }
}
