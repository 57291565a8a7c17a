package io.votegate.loadtest.gatling;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.votegate.loadtest.gatling.Votegate.*;

/**
 * VoteStorm: voters arrive at a rising, then steady rate (open model); each signs in with a real card, casts the
 * ballot of their own state and follows the receipt until it says counted. At the end the tally must have counted
 * exactly the ballots that were acknowledged.
 */
public class VoteStorm extends Simulation {
  private final Profile profile = profile();
  private final long baseline = tallySequence();

  private final ScenarioBuilder voters = scenario("VoteStorm voters")
      .feed(cards(null))
      .exec(signIn("sign in"), castBallot("cast ballot", 0, true), followReceipt("receipt", "receipt", "counted", null));

  private final ScenarioBuilder reconcile = scenario("VoteStorm reconciliation").exec(reconcile(baseline));

  {
    ACKNOWLEDGED.set(0);
    setUp(voters.injectOpen(rampAndHold(profile)).protocols(gatewayProtocol())
        .andThen(reconcile.injectOpen(atOnceUsers(1)).protocols(tallyProtocol())))
        .assertions(assertions(profile));
  }
}
