package io.votegate.loadtest;

import io.votegate.model.Election;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Real results an election is replayed to: votes per county, contest and candidate at scale 1. The shipped
 * {@code us-2020} election has them in the county data it was built from; other elections have none, and the plan
 * makes up a spread of its own.
 */
final class KnownResults {
  private final Map<String, Map<String, long[]>> byCounty;
  private final boolean exact;

  private KnownResults(Map<String, Map<String, long[]>> byCounty, boolean exact) {
    this.byCounty = byCounty;
    this.exact = exact;
  }

  private KnownResults(Map<String, Map<String, long[]>> byCounty) {
    this(byCounty, false);
  }

  static KnownResults none() {
    return new KnownResults(Map.of());
  }

  /**
   * True for a results file: the counts themselves, to be met exactly by the election's roll (every other voter
   * leaves the contest blank), rather than shares to scale to it.
   */
  boolean exact() {
    return exact;
  }

  /**
   * A results file in long form, {@code state,county_fips,contest,candidate,votes} (a header line, then one line per
   * county, contest and candidate; a candidate left out has 0), checked against the election: every line names a
   * county of its state and a contest on that state's ballot with one of its candidates, once, with a count of 0 or
   * more, and each county's roll can cast what it lists. Every problem is named, by line, at once.
   */
  static KnownResults fromCsv(Path file, Election election) throws IOException {
    var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    var problems = new java.util.ArrayList<String>();
    if (lines.isEmpty() || !lines.get(0).strip().equals("state,county_fips,contest,candidate,votes")) {
      throw new IllegalArgumentException(file + ": the first line must be state,county_fips,contest,candidate,votes");
    }
    var byCounty = new HashMap<String, Map<String, long[]>>();
    var seen = new java.util.HashSet<String>();
    for (int i = 1; i < lines.size(); i++) {
      var line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      var where = file.getFileName() + ":" + (i + 1) + ": ";
      var cells = line.split(",", -1);
      if (cells.length != 5) {
        problems.add(where + "5 cells expected, " + cells.length + " found");
        continue;
      }
      var state = election.state(cells[0]);
      var county = state.flatMap(s -> s.county(cells[1]));
      var contest = election.contest(cells[2]);
      if (state.isEmpty()) {
        problems.add(where + "no state " + cells[0] + " in " + election.id());
      } else if (county.isEmpty()) {
        problems.add(where + "no county " + cells[1] + " in " + cells[0]);
      } else if (contest.isEmpty() || !contest.get().onBallotIn(cells[0])) {
        problems.add(where + "contest " + cells[2] + " is not on " + cells[0] + "'s ballot");
      } else if (contest.get().candidate(cells[3]).isEmpty()) {
        problems.add(where + "no candidate " + cells[3] + " in contest " + cells[2]);
      } else if (!cells[4].matches("\\d{1,15}")) {
        problems.add(where + "votes must be a whole number of 0 or more, not '" + cells[4] + "'");
      } else if (!seen.add(cells[1] + "/" + cells[2] + "/" + cells[3])) {
        problems.add(where + "county " + cells[1] + ", " + cells[2] + "/" + cells[3] + " a second time");
      } else {
        var candidates = contest.get().candidates();
        var votes = byCounty.computeIfAbsent(cells[1], k -> new HashMap<>())
            .computeIfAbsent(cells[2], k -> new long[candidates.size()]);
        votes[candidates.indexOf(contest.get().candidate(cells[3]).orElseThrow())] = Long.parseLong(cells[4]);
      }
    }
    for (var state : election.states()) {
      for (var county : state.counties()) {
        for (var contest : election.ballotFor(state.code())) {
          var votes = byCounty.getOrDefault(county.fips(), Map.of()).get(contest.id());
          long needed = votes == null ? 0 : ballotsNeeded(votes, contest.maxChoices());
          if (needed > county.voters()) {
            problems.add(file.getFileName() + ": " + state.code() + " " + county.fips() + " " + county.name() + ": "
                + contest.id() + " needs " + needed + " ballots, its roll has " + county.voters()
                + " voters (size the county's roll, voters, to at least the most ballots any contest needs)");
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(file + " does not fit " + election.id() + " (" + problems.size()
          + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", problems));
    }
    return new KnownResults(byCounty, true);
  }

  /** The fewest ballots that can cast {@code votes} in a contest of up to {@code max} choices. */
  static long ballotsNeeded(long[] votes, int max) {
    long sum = 0;
    long most = 0;
    for (long v : votes) {
      sum += v;
      most = Math.max(most, v);
    }
    return Math.max(most, (sum + max - 1) / max);
  }

  /** The known results of a shipped election, if it has any. */
  static KnownResults forElection(String electionId) {
    return "us-2020".equals(electionId) ? us2020() : none();
  }

  /**
   * Votes per candidate of the given contest in a county, in the contest's candidate order; empty when unknown.
   */
  Optional<long[]> votes(String countyFips, String contestId) {
    return Optional.ofNullable(byCounty.getOrDefault(countyFips, Map.of()).get(contestId));
  }

  /**
   * The 2020 presidential results by county, from the same file the {@code us-2020} roll is built from:
   * {@code dem} = votes_dem, {@code rep} = votes_gop, {@code other} = total_votes - votes_dem - votes_gop.
   */
  static KnownResults us2020() {
    try (InputStream in = KnownResults.class.getResourceAsStream("/data/us-2020-president-by-county.csv")) {
      if (in == null) {
        throw new IllegalStateException("the us-2020 county data is not on the class path");
      }
      var lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n");
      var header = List.of(lines[0].split(","));
      int fips = header.indexOf("county_fips");
      int gop = header.indexOf("votes_gop");
      int dem = header.indexOf("votes_dem");
      int total = header.indexOf("total_votes");
      var byCounty = new HashMap<String, Map<String, long[]>>();
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        var cells = lines[i].split(",", -1);
        long d = Long.parseLong(cells[dem]);
        long r = Long.parseLong(cells[gop]);
        long other = Long.parseLong(cells[total]) - d - r;
        byCounty.put(cells[fips], Map.of("president", new long[] {d, r, other}));
      }
      return new KnownResults(byCounty);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
