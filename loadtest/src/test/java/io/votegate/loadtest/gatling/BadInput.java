package io.votegate.loadtest.gatling;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;
import static io.votegate.loadtest.gatling.Votegate.*;

/**
 * BadInput: the bad-input catalogue at rate, from real voters' sessions where it takes one: malformed JSON, wrong
 * types, unknown fields, oversized bodies, a wrong content type, forged and expired tokens, forged receipts, wrong
 * codes, ballots that break the ballot's rules (the expired token only with {@code -DsessionTtl}). Every answer must be its documented 4xx with the problem+json code,
 * never a 5xx, and the count must not move.
 */
public class BadInput extends Simulation {
  private final Profile profile = profile();
  private final long baseline = tallySequence();

  /**
   * The deployment's session lifetime ({@code VOTEGATE_SESSION_TTL}) in seconds, given as {@code -DsessionTtl}: each
   * voter then also waits it out and casts a valid ballot with the expired token. Zero (the default): not tried.
   */
  private static final Duration SESSION_TTL = Duration.ofSeconds(Long.getLong("sessionTtl", 0));

  /** A token sealed with another key: well-formed, never issued here. */
  private static final String FORGED_TOKEN = "AQ" + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[80]);

  private final ScenarioBuilder attackers = scenario("BadInput")
      .feed(cards(null))
      .exec(signIn("sign in"))
      .exec(session -> session.set("validBallot", Votegate.selections(session.getString("ballot"), 0)))
      .exec(
          refused("malformed JSON", http("malformed JSON").post("/api/v1/sessions").body(StringBody("{\"voterId\":")),
              400, "malformed"),
          refused("wrong type", http("wrong type").post("/api/v1/sessions")
              .body(StringBody("{\"voterId\":\"#{voterId}\",\"code\":12345}")), 400, "malformed"),
          refused("unknown field", http("unknown field").post("/api/v1/ballots").header("Authorization", "Bearer #{token}")
              .body(StringBody("{\"selections\":{},\"admin\":true}")), 400, "malformed"),
          refused("oversized body", http("oversized body").post("/api/v1/sessions")
              .body(StringBody("{\"voterId\":\"" + "X".repeat(17 * 1024) + "\"}")), 413, "too_large"),
          refused("wrong content type", http("wrong content type").post("/api/v1/sessions")
              .header("Content-Type", "text/plain").body(StringBody("voterId=#{voterId}")), 415,
              "unsupported_media_type"),
          refused("wrong code", http("wrong code").post("/api/v1/sessions")
              .body(StringBody(session -> "{\"voterId\":\"" + session.getString("voterId") + "\",\"code\":\""
                  + randomCode() + "\"}")), 401, "invalid_credentials"),
          refused("forged token", http("forged token").post("/api/v1/ballots")
              .header("Authorization", "Bearer " + FORGED_TOKEN).body(StringBody("{\"selections\":{}}")), 401,
              "invalid_token"),
          refused("unknown contest", http("unknown contest").post("/api/v1/ballots")
              .header("Authorization", "Bearer #{token}")
              .body(StringBody("{\"selections\":{\"no-such-contest\":[\"nobody\"]}}")), 400, "invalid_ballot"),
          refused("overvote", http("overvote").post("/api/v1/ballots").header("Authorization", "Bearer #{token}")
              .body(StringBody("{\"selections\":{\"president\":[\"dem\",\"rep\"]}}")), 400, "invalid_ballot"),
          refused("forged receipt", http("forged receipt").get("/api/v1/receipts/" + "A".repeat(32)), 404,
              "unknown_receipt"))
      // Only where the deployment's session lifetime is known, and short enough to wait out.
      .doIf(session -> !SESSION_TTL.isZero()).then(
          pause(SESSION_TTL.plusSeconds(1)).exec(refused("expired token", http("expired token").post("/api/v1/ballots")
              .header("Authorization", "Bearer #{token}").body(StringBody("#{validBallot}")), 401, "expired_token")));

  private final ScenarioBuilder reconcile = scenario("BadInput reconciliation").exec(reconcile(baseline));

  {
    ACKNOWLEDGED.set(0);
    setUp(attackers.injectOpen(rampAndHold(profile)).protocols(gatewayProtocol())
        .andThen(reconcile.injectOpen(atOnceUsers(1)).protocols(tallyProtocol())))
        .assertions(global().failedRequests().count().is(0L),
            details("counted = acknowledged").failedRequests().count().is(0L));
  }

  /** The request must be refused with {@code status} and problem+json {@code code}; a sign-in failure may meet 429. */
  private static ChainBuilder refused(String name, HttpRequestActionBuilder request, int status, String code) {
    return exec(request.check(status().in(status, 429), header("Content-Type").transform(type -> type.startsWith("application/problem+json")).is(true),
        jsonPath("$.code").in(code, "too_many_attempts")));
  }

  private static String randomCode() {
    var alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    var code = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      code.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return code.toString();
  }
}
