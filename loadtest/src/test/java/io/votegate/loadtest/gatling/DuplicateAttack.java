package io.votegate.loadtest.gatling;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.util.List;
import java.util.stream.Stream;

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
      .exec(awaitReceipt("receipt", "receiptA"), awaitReceipt("receipt", "receiptB"), awaitReceipt("receipt", "receiptC"))
      .exec(http("exactly one of three counted").get("/health/live")
          .check(status().validate("one counted, two already_voted", (status, session) -> {
            var outcomes = Stream.of("receiptA", "receiptB", "receiptC").map(key -> outcome(session, key))
                .sorted().toList();
            if (!List.of("already_voted", "already_voted", "counted").equals(outcomes)) {
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

  /** What a receipt ended as: {@code counted}, or the reason it was rejected. */
  private static String outcome(io.gatling.javaapi.core.Session session, String receiptKey) {
    var status = session.getString(receiptKey + "Status");
    return "counted".equals(status) ? status : String.valueOf(session.getString(receiptKey + "Reason"));
  }
}
