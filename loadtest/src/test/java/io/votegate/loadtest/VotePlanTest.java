package io.votegate.loadtest;

import io.votegate.model.Election;
import io.votegate.model.VoterCard;
import io.votegate.model.VoterId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class VotePlanTest {
  private static final Instant START = Instant.parse("2026-11-03T00:00:00Z");

  @Test
  void largestRemainderSplitsExactlyAndGivesLeftoversToTheLargestFractions() {
    // 10 voters at 2020's Autauga County shares (7,503 dem, 19,838 rep, 429 other of 27,770).
    assertArrayEquals(new long[] {3, 7, 0, 0}, VotePlan.largestRemainder(10, new long[] {7_503, 19_838, 429, 0}));
    // Equal remainders go to the earlier choice.
    assertArrayEquals(new long[] {2, 1, 1}, VotePlan.largestRemainder(4, new long[] {1, 1, 1}));
    assertArrayEquals(new long[] {0, 0, 5}, VotePlan.largestRemainder(5, new long[] {0, 0, 0}));
  }

  @Test
  void everyUs2020CountyEndsWithIts2020ResultScaledByLargestRemainder() {
    var election = Election.load("us-2020", START).scaled(0.001);
    var plan = new VotePlan(election, KnownResults.us2020());
    var president = election.contest("president").orElseThrow();
    var losAngeles = plan.expected("CA", "06037", president);
    // 2020: 1,145,530 rep, 3,028,885 dem, 4,263,443 total; the roll at 1/1000 is 4,263 voters.
    assertEquals(4_263, losAngeles.ballots());
    // Exact shares 3,028.6 + 1,145.4 + 89.0: the one voter left over goes to dem's .6.
    assertEquals(3_029, losAngeles.votes()[0]);
    assertEquals(1_145, losAngeles.votes()[1]);
    assertEquals(89, losAngeles.votes()[2]);
  }

  @Test
  void theVotersOfACountyCastExactlyTheExpectedCounts() {
    var election = Election.load("demo", START);
    var plan = new VotePlan(election, KnownResults.none());
    for (var state : election.states()) {
      for (var county : state.counties()) {
        var tallied = new HashMap<String, Long>();
        for (int serial = 1; serial <= county.voters(); serial++) {
          var card = new VoterCard(VoterId.of(state.code(), county.fips(), serial).value(), "x", state.code(),
              county.fips());
          var selections = plan.selections(card);
          assertTrue(election.validate(state.code(), selections).isEmpty(), "a valid ballot: " + selections);
          selections.forEach((contest, choices) -> choices.forEach(c -> tallied.merge(contest + "/" + c, 1L, Long::sum)));
        }
        for (var contest : election.ballotFor(state.code())) {
          var expected = plan.expected(state.code(), county.fips(), contest);
          assertEquals(county.voters(), expected.ballots());
          for (int i = 0; i < contest.candidates().size(); i++) {
            var key = contest.id() + "/" + contest.candidates().get(i).id();
            assertEquals(expected.votes()[i], tallied.getOrDefault(key, 0L), county.fips() + " " + key);
          }
        }
      }
    }
  }

  @Test
  void votersAreMixedNotInBlocksAndSomeLeaveAContestBlank() {
    var election = Election.load("demo", START);
    var plan = new VotePlan(election, KnownResults.none());
    var firstTen = new HashSet<List<String>>();
    int blank = 0;
    for (int serial = 1; serial <= 1_710; serial++) {
      var selections = plan.selections(new VoterCard(VoterId.of("RI", "44007", serial).value(), "x", "RI", "44007"));
      if (serial <= 10) {
        firstTen.add(selections.getOrDefault("president", List.of()));
      }
      blank += selections.containsKey("council") ? 0 : 1;
    }
    assertTrue(firstTen.size() >= 3, "the first ten voters do not all vote alike: " + firstTen);
    assertTrue(blank > 0 && blank < 1_710 / 10, "a few undervotes: " + blank);
  }

  @Test
  void aSecondBallotDiffersInEveryContest() {
    var election = Election.load("demo", START);
    var plan = new VotePlan(election, KnownResults.none());
    var card = new VoterCard("HI15003-00000007", "x", "HI", "15003");
    Map<String, List<String>> first = plan.selections(card);
    var second = plan.other(card);
    assertEquals(List.of("president", "council"), List.copyOf(second.keySet()));
    second.forEach((contest, choices) -> assertNotEquals(first.getOrDefault(contest, List.of()), choices));
  }

  private static final java.nio.file.Path RESULTS =
      java.nio.file.Path.of("..", "standalone", "src", "test", "resources", "elections", "river-valley-results.csv");
  private static final String DEFINITION =
      java.nio.file.Path.of("..", "standalone", "src", "test", "resources", "elections", "river-valley-now.json").toString();

  @Test
  void aResultsFileIsMetExactlyByTheRollInChooseOneAndChooseUpToTwoContests() throws Exception {
    var election = Election.load(DEFINITION, START);
    var plan = new VotePlan(election, KnownResults.fromCsv(RESULTS, election));
    var cast = new java.util.HashMap<String, Long>();
    var codes = new io.votegate.model.VoterCodes(new byte[32]);
    for (var card : (Iterable<VoterCard>) VoterCard.roll(election, codes)::iterator) {
      for (var choice : plan.selections(card).entrySet()) {
        var contest = election.contest(choice.getKey()).orElseThrow();
        assertTrue(choice.getValue().size() <= contest.maxChoices(), card.voterId() + " overvotes " + choice);
        assertEquals(choice.getValue().size(), new java.util.HashSet<>(choice.getValue()).size(),
            card.voterId() + " chose a candidate twice: " + choice);
        choice.getValue().forEach(c -> cast.merge(card.county() + "/" + contest.id() + "/" + c, 1L, Long::sum));
      }
    }
    var expected = new java.util.HashMap<String, Long>();
    for (var line : java.nio.file.Files.readAllLines(RESULTS).subList(1, java.nio.file.Files.readAllLines(RESULTS).size())) {
      var f = line.split(",");
      if (Long.parseLong(f[4]) > 0) {
        expected.put(f[1] + "/" + f[2] + "/" + f[3], Long.parseLong(f[4]));
      }
    }
    assertEquals(expected, cast, "every county ends at the file's counts, no more, no less");
    var multnomah = plan.expected("OR", "41051", election.contest("water-board").orElseThrow());
    assertArrayEquals(new long[] {900, 800, 300}, multnomah.votes());
    assertEquals(1200, multnomah.ballots(), "the whole roll votes; the board is on every Oregon ballot");
  }

  @Test
  void aResultsFileThatDoesNotFitTheElectionIsRefusedNamingEveryLine() throws Exception {
    var election = Election.load(DEFINITION, START);
    var file = java.nio.file.Files.createTempFile("results", ".csv");
    try {
      java.nio.file.Files.writeString(file, String.join("\n", "state,county_fips,contest,candidate,votes",
          "OR,41051,governor,ortiz,700", "OR,99999,governor,ortiz,1", "VT,50007,water-board,lee,3",
          "AZ,04013,governor,nobody,2", "AZ,04013,governor,hale,-4", "OR,41051,governor,ortiz,700",
          "VT,50007,governor,ortiz,401", "OR,41051"));
      var refused = assertThrows(IllegalArgumentException.class, () -> KnownResults.fromCsv(file, election));
      var message = refused.getMessage();
      for (var expected : java.util.List.of(":3: no county 99999 in OR", ":4: contest water-board is not on VT's ballot",
          ":5: no candidate nobody in contest governor", ":6: votes must be a whole number of 0 or more, not '-4'",
          ":7: county 41051, governor/ortiz a second time", ":9: 5 cells expected, 2 found",
          "VT 50007 Chittenden County: governor needs 401 ballots, its roll has 400 voters")) {
        assertTrue(message.contains(expected), expected + " in:\n" + message);
      }
    } finally {
      java.nio.file.Files.delete(file);
    }
  }
}
