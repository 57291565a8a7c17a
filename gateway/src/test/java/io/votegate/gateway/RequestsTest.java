package io.votegate.gateway;

import io.vertx.core.buffer.Buffer;
import io.votegate.platform.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A ballot's body read strictly: what it selects, or every fault named by field. */
class RequestsTest {
  @Test
  void readsEachContestsChoicesInOrder() {
    var selections = Requests.ballot(body(
        "{\"selections\":{\"president\":[\"dem\"],\"council\":[\"ahn\",\"bell\"],\"measure-1\":[]}}"));
    assertEquals(List.of("president", "council", "measure-1"), List.copyOf(selections.keySet()));
    assertEquals(Map.of("president", List.of("dem"), "council", List.of("ahn", "bell"), "measure-1", List.of()),
        selections);
    assertEquals(Map.of(), Requests.ballot(body(" {\"selections\" : { } } \n")));
    assertEquals(Map.of("p", List.of("é \"q\"")), Requests.ballot(body("{\"selections\":{\"p\":[\"\\u00e9 \\\"q\\\"\"]}}")));
  }

  @Test
  void namesEveryFaultUnknownFieldsFirstInOrder() {
    var problem = refused("{\"zeta\":{\"a\":[1,[2]]},\"selections\":{\"a\":\"dem\",\"b\":[\"x\",3],\"c\":[\"ok\"],"
        + "\"d\":[null],\"e\":{\"x\":[]},\"f\":[[\"x\"]]},\"alpha\":1}");
    assertEquals(List.of("alpha", "zeta", "selections.a", "selections.b", "selections.d", "selections.e",
        "selections.f"), fields(problem));
    assertEquals("unknown field", problem.errors().getJsonObject(0).getString("message"));
    assertEquals("must be an array of candidate IDs (strings)", problem.errors().getJsonObject(2).getString("message"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"selections\":null}", "{\"selections\":[]}", "{\"selections\":\"president\"}"})
  void selectionsMustBeAnObject(String json) {
    assertEquals(List.of("selections"), fields(refused(json)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "[]", "5", "\"selections\"", "null", "{\"selections\":{}", "{\"selections\":{}}}",
      "{\"selections\":{}} {\"selections\":{}}", "{\"selections\":{\"p\":[\"a\"]} x", "{selections:{}}",
      "{\"selections\":{\"p\":[\"a\",]}}", "{\"selections\":{\"p\":[\"a\"],\"p\":[\"b\"]}}",
      "{\"selections\":{},\"selections\":{}}", "{\"selections\":{\"p\":[\"a\"", "{\"selections\":{\"p\":[1,",
      "{\"x\":[[", "{\"selections\":{\"p\":[{\"q\":"})
  void refusesWhatIsNotOneJsonObjectAsTheBody(String json) {
    assertEquals(List.of("body"), fields(refused(json)), json);
  }

  @Test
  void aDuplicateFieldIsNamed() {
    var problem = refused("{\"selections\":{\"president\":[\"dem\"],\"president\":[\"rep\"]}}");
    assertEquals("duplicate field 'president'", problem.errors().getJsonObject(0).getString("message"));
  }

  @Test
  void deepNestingIsRefusedNotFollowed() {
    assertEquals(List.of("body"), fields(refused("{\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}")));
  }

  private static Problem refused(String json) {
    var problem = assertThrows(Problem.class, () -> Requests.ballot(body(json)), json);
    assertEquals(400, problem.status());
    assertEquals("malformed", problem.code());
    return problem;
  }

  private static List<String> fields(Problem problem) {
    return problem.errors().stream().map(e -> ((io.vertx.core.json.JsonObject) e).getString("field")).toList();
  }

  private static Buffer body(String json) {
    return Buffer.buffer(json);
  }
}
