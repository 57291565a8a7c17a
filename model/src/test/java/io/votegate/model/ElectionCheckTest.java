package io.votegate.model;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The election-definition check: the documented example and the shipped elections pass; each mistake of the
 * catalogue is named with its field path; every mistake of a definition is reported at once.
 */
class ElectionCheckTest {
  private static final Path EXAMPLE = Path.of("..", "docs", "elections", "river-valley.json");

  @Test
  void theDocumentedExampleAndTheShippedElectionsAreValid() throws Exception {
    assertEquals(List.of(), ElectionCheck.problems(Files.readString(EXAMPLE)));
    var election = Election.load(EXAMPLE.toString(), Instant.EPOCH);
    var oregon = election.state("OR").orElseThrow();
    assertEquals(Instant.parse("2026-11-03T15:00:00Z"), oregon.opens(), "07:00 in Oregon's own zone (PST)");
    assertEquals(Instant.parse("2026-11-04T04:00:00Z"), oregon.closes(), "20:00 PST");
    assertEquals(ZoneId.of("America/Phoenix"), election.state("AZ").orElseThrow().zone());
    assertEquals(2, election.ballotFor("AZ").size());
    assertEquals(1, election.ballotFor("VT").size(), "the water board is on only some ballots");
    assertEquals(4200, election.voters());
    assertDoesNotThrow(() -> Election.load("demo", Instant.EPOCH));
    assertDoesNotThrow(() -> Election.load("us-2020", Instant.EPOCH));
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        mistake("unknown field at the top", j -> j.put("turnout", 1), "turnout: unknown field"),
        mistake("unknown field in a contest", j -> contest(j, 0).put("choose", 1), "contests[0].choose: unknown field"),
        mistake("duplicate contest id", j -> contest(j, 1).put("id", "governor"),
            "contests[1].id: duplicate contest id 'governor'"),
        mistake("duplicate candidate id", j -> contest(j, 0).getJsonArray("candidates").getJsonObject(1).put("id", "ortiz"),
            "contests[0].candidates[1].id: duplicate candidate id 'ortiz' in contest governor"),
        mistake("duplicate state", j -> state(j, 1).put("code", "OR"), "states[1].code: duplicate state 'OR'"),
        mistake("duplicate county", j -> county(j, 0, 1).put("fips", "41051"),
            "states[0].counties[1].fips: duplicate county '41051'"),
        mistake("a contest on an unknown state's ballot", j -> contest(j, 1).put("states", new io.vertx.core.json.JsonArray().add("ZZ")),
            "contests[1].states[0]: the ballot of an unknown state 'ZZ'"),
        mistake("a county outside its state", j -> county(j, 0, 0).put("fips", "06037"),
            "states[0].counties[0].fips: '06037' is outside its state OR (its counties start 41)"),
        mistake("a county outside a state's own fips", j -> state(j, 2).put("fips", "99"),
            "states[2].counties[0].fips: '50007' is outside its state VT (its counties start 99)"),
        mistake("unknown time zone", j -> state(j, 1).put("timeZone", "America/Atlantis"),
            "states[1].timeZone: unknown time zone 'America/Atlantis'"),
        mistake("a window closing before it opens", j -> state(j, 2).getJsonObject("polls").put("closes", "06:00"),
            "states[2].polls.closes: 06:00 is not after opens 07:00"),
        mistake("an absolute window closing before it opens", j -> state(j, 2).put("polls", new JsonObject()
            .put("opens", "2026-11-03T12:00:00Z").put("closes", "2026-11-03T11:00:00Z")), "states[2].polls.closes: "),
        mistake("an unreadable window", j -> state(j, 2).getJsonObject("polls").put("opens", "7 am"),
            "states[2].polls: a window is"),
        mistake("a negative roll", j -> county(j, 1, 0).put("voters", -5),
            "states[1].counties[0].voters: a roll cannot be negative (-5)"),
        mistake("up to 0", j -> contest(j, 1).put("maxChoices", 0), "contests[1].maxChoices: must be at least 1, is 0"),
        mistake("up to more than the candidates", j -> contest(j, 1).put("maxChoices", 4),
            "contests[1].maxChoices: 4 is more than its 3 candidates"),
        mistake("a contest with no candidates", j -> contest(j, 0).put("candidates", new io.vertx.core.json.JsonArray()),
            "contests[0].candidates: a contest needs at least one candidate"),
        mistake("no time zone at all", j -> state(j, 0).remove("timeZone"), "states[0].timeZone: missing"),
        mistake("a missing name", j -> state(j, 0).remove("name"), "states[0].name: missing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeIsNamedWithItsFieldPath(String mistake, Consumer<JsonObject> spoil, String expected) throws Exception {
    var json = new JsonObject(Files.readString(EXAMPLE));
    spoil.accept(json);
    var problems = ElectionCheck.problems(json.encode());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(expected)), mistake + ": " + problems);
    var refused = assertThrows(IllegalArgumentException.class, () -> load(json));
    assertTrue(refused.getMessage().contains(expected), refused.getMessage());
  }

  @Test
  void aMalformedFileAndEveryMistakeOfADefinitionAreReportedAtOnce() throws Exception {
    assertEquals(1, ElectionCheck.problems("{\"id\": ").size());
    assertTrue(ElectionCheck.problems("{\"id\": ").get(0).startsWith("(file): not a JSON object"));
    var json = new JsonObject(Files.readString(EXAMPLE));
    json.put("turnout", 1);
    contest(json, 1).put("maxChoices", 9);
    county(json, 1, 1).put("voters", -1);
    assertEquals(3, ElectionCheck.problems(json.encode()).size(), ElectionCheck.problems(json.encode()).toString());
  }

  @Test
  void theJsonSchemaNamesTheFieldsTheCheckAccepts() throws Exception {
    try (var in = ElectionCheck.class.getResourceAsStream("/election.schema.json")) {
      var schema = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(ElectionCheck.FIELDS.get("election"), schema.getJsonObject("properties").fieldNames());
      var defs = schema.getJsonObject("$defs");
      for (var kind : List.of("polls", "contest", "candidate", "state", "county", "countiesFrom")) {
        assertEquals(ElectionCheck.FIELDS.get(kind), defs.getJsonObject(kind).getJsonObject("properties").fieldNames(),
            kind);
        assertFalse(defs.getJsonObject(kind).getBoolean("additionalProperties"), kind + " refuses unknown fields");
      }
    }
  }

  private static Election load(JsonObject json) throws Exception {
    var file = Files.createTempFile("election", ".json");
    try {
      Files.writeString(file, json.encode());
      return Election.load(file.toString(), Instant.EPOCH);
    } finally {
      Files.delete(file);
    }
  }

  private static Arguments mistake(String name, Consumer<JsonObject> spoil, String expected) {
    return Arguments.of(name, spoil, expected);
  }

  private static JsonObject contest(JsonObject json, int i) {
    return json.getJsonArray("contests").getJsonObject(i);
  }

  private static JsonObject state(JsonObject json, int i) {
    return json.getJsonArray("states").getJsonObject(i);
  }

  private static JsonObject county(JsonObject json, int state, int i) {
    return state(json, state).getJsonArray("counties").getJsonObject(i);
  }
}
