package io.votegate.loadtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

  private KnownResults(Map<String, Map<String, long[]>> byCounty) {
    this.byCounty = byCounty;
  }

  static KnownResults none() {
    return new KnownResults(Map.of());
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
