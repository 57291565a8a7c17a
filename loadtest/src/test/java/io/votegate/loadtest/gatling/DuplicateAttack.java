package io.votegate.loadtest.gatling;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;
import static io.votegate.loadtest.gatling.Votegate.*;

/**
 * DuplicateAttack: every voter tries to vote many times. First three sessions cast three different ballots at the
 * same moment (in parallel): exactly one may end counted, the other two already_voted. Then, in sequence, a fourth
 * session votes again: already_voted. The tally must count one ballot per voter.
 */
public class DuplicateAttack extends Simulation {
  private final Profile profile = profile();
  private final long baseline = tallySequence();

  private static final String CAST = "{\"selections\":#{%s}}";

  private final ScenarioBuilder attackers = scenario("DuplicateAttack voters")
      .feed(cards(null))
      .exec(signIn("sign in"))
      .exec(session -> session.set("tokenA", session.getString("token"))
          .set("ballotA", selectionsOnly(session.getString("ballot"), 0))
          .set("ballotB", selectionsOnly(session.getString("ballot"), 1))
          .set("ballotC", selectionsOnly(session.getString("ballot"), 2)))
      .exec(signIn("sign in again").exec(session -> session.set("tokenB", session.getString("token"))))
      .exec(signIn("sign in again").exec(session -> session.set("tokenC", session.getString("token"))))
      // Three ballots at once: the main request and its two resources go out together.
      .exec(http("cast in parallel").post("/api/v1/ballots").header("Authorization", "Bearer #{tokenA}")
          .body(StringBody(CAST.formatted("ballotA"))).check(status().is(202), jsonPath("$.receipt").saveAs("receiptA"))
          .resources(
              http("cast in parallel").post("/api/v1/ballots").header("Authorization", "Bearer #{tokenB}")
                  .body(StringBody(CAST.formatted("ballotB")))
                  .check(status().is(202), jsonPath("$.receipt").saveAs("receiptB")),
              http("cast in parallel").post("/api/v1/ballots").header("Authorization", "Bearer #{tokenC}")
                  .body(StringBody(CAST.formatted("ballotC")))
                  .check(status().is(202), jsonPath("$.receipt").saveAs("receiptC"))))
      .exec(session -> {
        if (!session.isFailed()) {
          ACKNOWLEDGED.incrementAndGet(); // one of the three, whichever the ballot-server met first
        }
        return session;
      })
      .foreach(List.of("receiptA", "receiptB", "receiptC"), "key").on(
          exec(session -> session.set("current", session.getString(session.getString("key")))
              .set("currentStatus", "pending"))
              .asLongAsDuring(session -> "pending".equals(session.getString("currentStatus")),
                  java.time.Duration.ofSeconds(60)).on(
                  pause(java.time.Duration.ofMillis(300))
                      .exec(http("receipt (waiting)").get("/api/v1/receipts/#{current}")
                          .check(jsonPath("$.status").saveAs("currentStatus"),
                              jsonPath("$.reason").optional().saveAs("currentReason"))))
              .exec(session -> session.set("outcomes",
                  session.getString("outcomes") == null ? outcome(session) : session.getString("outcomes") + ","
                      + outcome(session))))
      .exec(http("exactly one of three counted").get("/health/live")
          .check(status().validate("one counted, two already_voted", (status, session) -> {
            var outcomes = session.getString("outcomes");
            if (!"already_voted,already_voted,counted".equals(sorted(outcomes))) {
              throw new IllegalStateException("three parallel ballots ended " + outcomes);
            }
            return status;
          })))
      .exec(signIn("sign in again"), castBallot("cast once more", 3, false),
          followReceipt("receipt of a later ballot", "receipt", "rejected", "already_voted"));

  private final ScenarioBuilder reconcile = scenario("DuplicateAttack reconciliation").exec(reconcile(baseline));

  {
    ACKNOWLEDGED.set(0);
    setUp(attackers.injectOpen(rampAndHold(profile)).protocols(gatewayProtocol())
        .andThen(reconcile.injectOpen(atOnceUsers(1)).protocols(tallyProtocol())))
        .assertions(global().failedRequests().count().is(0L),
            details("counted = acknowledged").failedRequests().count().is(0L),
            details("exactly one of three counted").failedRequests().count().is(0L));
  }

  private static String selectionsOnly(String ballot, int pick) {
    return new io.vertx.core.json.JsonObject(Votegate.selections(ballot, pick)).getJsonObject("selections").encode();
  }

  private static String outcome(io.gatling.javaapi.core.Session session) {
    return "counted".equals(session.getString("currentStatus")) ? "counted" : session.getString("currentReason");
  }

  private static String sorted(String outcomes) {
    return outcomes == null ? "" : String.join(",", java.util.Arrays.stream(outcomes.split(",")).sorted().toList());
  }
}
