package io.votegate.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ElectionTest {
  private static final Instant START = Instant.parse("2026-11-03T12:00:00Z");
  private final Election demo = Election.load("demo", START);

  @Test
  void theDemoHasARollOfTenThousandAndPollsOpenForADay() {
    assertEquals(10_000, demo.voters());
    for (var state : demo.states()) {
      assertEquals(START, state.opens());
      assertEquals(START.plus(Duration.ofHours(24)), state.closes());
      assertTrue(state.pollsOpenAt(START));
      assertTrue(state.pollsClosedAt(START.plus(Duration.ofHours(24))));
    }
    assertFalse(demo.embargo());
  }

  @Test
  void theDemoHasAContestNotOnEveryBallotAndOneWithSeveralChoices() {
    assertTrue(demo.contests().stream().anyMatch(c -> c.maxChoices() > 1));
    assertTrue(demo.contests().stream().anyMatch(c -> c.states().size() < demo.states().size()));
    assertEquals(1, demo.ballotFor("DE").size());
    assertEquals(2, demo.ballotFor("RI").size());
  }

  @Test
  void aValidBallotAndUndervotesHaveNoProblems() {
    assertEquals(List.of(), demo.validate("RI", Map.of("president", List.of("dem"), "council", List.of("ahn"))));
    assertEquals(List.of(), demo.validate("RI", Map.of()));
    assertEquals(List.of(), demo.validate("RI", Map.of("council", List.of())));
  }

  @Test
  void eachFaultOfABallotIsNamed() {
    assertEquals(List.of(new Election.BallotProblem("unknown_contest", "mayor", null)),
        demo.validate("RI", Map.of("mayor", List.of("dem"))));
    assertEquals(List.of(new Election.BallotProblem("contest_not_on_ballot", "council", null)),
        demo.validate("DE", Map.of("council", List.of("ahn"))));
    assertEquals(List.of(new Election.BallotProblem("unknown_candidate", "president", "nobody")),
        demo.validate("DE", Map.of("president", List.of("nobody"))));
    assertEquals(List.of(new Election.BallotProblem("overvote", "president", null)),
        demo.validate("DE", Map.of("president", List.of("dem", "rep"))));
    assertEquals(List.of(new Election.BallotProblem("duplicate_choice", "council", "ahn")),
        demo.validate("HI", Map.of("council", List.of("ahn", "ahn"))));
  }

  @Test
  void theRollGivesEveryVoterACardWhoseCodeChecks() {
    var codes = new VoterCodes(Keys.fromBase64(Keys.generate(), Keys.generate(), Keys.generate()).roll());
    var cards = VoterCard.roll(demo, codes).toList();
    assertEquals(10_000, cards.size());
    assertEquals(10_000, cards.stream().map(VoterCard::voterId).distinct().count());
    var card = cards.get(1234);
    assertTrue(codes.matches("demo", card.voterId(), card.code()));
    var id = VoterId.parse(card.voterId()).orElseThrow();
    assertEquals(card.state(), id.state());
    assertEquals(card.county(), id.county());
  }

  @Test
  void theRollMakesEachCardWhenAskedNotAWholeStateAtTheFirst() throws Exception {
    // A county larger than any heap holds in cards: a roll that made a state's cards at once would run out of memory.
    String json;
    try (var in = Election.class.getResourceAsStream("/elections/demo.json")) {
      json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    var huge = Election.fromJson(
        new io.vertx.core.json.JsonObject(json.replace("\"voters\": 546", "\"voters\": 99999999")), START);
    var codes = new VoterCodes(Keys.fromBase64(Keys.generate(), Keys.generate(), Keys.generate()).roll());
    var cards = VoterCard.roll(huge, codes).iterator();
    assertEquals(List.of("DE10001-00000001", "DE10001-00000002", "DE10001-00000003"),
        List.of(cards.next().voterId(), cards.next().voterId(), cards.next().voterId()));
  }

  @Test
  void us2020HasEveryCountyOfTheFiftyStatesAndDcWithItsTurnoutAsTheRoll() {
    var us = Election.load("us-2020", START);
    assertEquals(51, us.states().size());
    assertEquals(3_152, us.countiesByFips().size());
    assertEquals(158_433_557L, us.states().stream().flatMap(s -> s.counties().stream()).mapToLong(c -> c.voters()).sum());
    var la = us.state("CA").orElseThrow().county("06037").orElseThrow();
    assertEquals("Los Angeles County", la.name());
    assertEquals(List.of("dem", "rep", "other"),
        us.contest("president").orElseThrow().candidates().stream().map(Election.Candidate::id).toList());
    var small = us.scaled(0.001);
    assertTrue(small.states().stream().flatMap(s -> s.counties().stream()).allMatch(c -> c.voters() >= 1),
        "every county keeps a voter at any scale");
    assertEquals(158_434, small.voters(), 200);
  }

  @Test
  void anUnknownElectionIsAClearError() {
    var e = assertThrows(IllegalArgumentException.class, () -> Election.load("nowhere", START));
    assertTrue(e.getMessage().contains("nowhere"));
  }
}
