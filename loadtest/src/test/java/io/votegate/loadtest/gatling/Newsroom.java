package io.votegate.loadtest.gatling;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.http.action.sse.SseInboundMessage;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;
import static io.votegate.loadtest.gatling.Votegate.*;

/**
 * Newsroom: thousands of subscribers follow the results stream while a VoteStorm runs. Every event must parse, every
 * delta's sequence must be higher than the last one seen, and once the voting is over each subscriber's running
 * totals (the snapshot, then every delta applied) must equal a fresh snapshot's.
 */
public class Newsroom extends Simulation {
  private final Profile profile = profile();
  private final long baseline = tallySequence();
  private final Duration voting = profile.ramp().plus(profile.hold());

  private final ScenarioBuilder voters = scenario("Newsroom voters")
      .feed(cards(null))
      .exec(signIn("sign in"), castBallot("cast ballot", 1, true));

  private final ScenarioBuilder subscribers = scenario("Newsroom subscribers")
      .exec(session -> session.set("problem", ""))
      .exec(sse("results").get("/api/v1/results/stream?level=national").await(Duration.ofSeconds(30)).on(
          sse.checkMessage("snapshot").matching(jsonPath("$.event").is("snapshot"))
              .check(jsonPath("$.data").transform(Newsroom::totals).saveAs("totals"),
                  jsonPath("$.id").transform(Long::parseLong).saveAs("sequence"))))
      // Every delta since the last look, until the voting is over and the subscriber has seen the last ballot.
      .asLongAsDuring(session -> !VOTING_OVER.get() || session.getLong("sequence") < baseline + ACKNOWLEDGED.get(),
          voting.plusMinutes(2)).on(
          pause(Duration.ofMillis(500)).exec(sse.processUnmatchedMessages(Newsroom::apply)))
      .exec(sse("results").close())
      .exec(http("subscriber totals = snapshot").get("/api/v1/results?level=national")
          .check(jsonPath("$").validate("the subscriber saw what the snapshot shows", (snapshot, session) -> {
            var json = new JsonObject(snapshot);
            if (!session.getString("problem").isEmpty()) {
              throw new IllegalStateException(session.getString("problem"));
            }
            if (json.getLong("sequence") != session.getLong("sequence")) {
              throw new IllegalStateException("subscriber at sequence " + session.getLong("sequence") + ", snapshot at "
                  + json.getLong("sequence"));
            }
            if (!totals(snapshot).equals(session.getString("totals"))) {
              throw new IllegalStateException("subscriber has " + session.getString("totals") + ", snapshot "
                  + totals(snapshot));
            }
            return snapshot;
          })));

  /** Set once every voter of this run is done: subscribers then stop when they have seen the last ballot. */
  private static final AtomicBoolean VOTING_OVER = new AtomicBoolean();

  {
    ACKNOWLEDGED.set(0);
    VOTING_OVER.set(false);
    var votingOver = scenario("Newsroom voting over").exec(session -> {
      VOTING_OVER.set(true);
      return session;
    }).exec(reconcile(baseline));
    setUp(
        voters.injectOpen(nothingFor(Duration.ofSeconds(2)), rampUsersPerSec(1).to(profile.rate()).during(profile.ramp()),
            constantUsersPerSec(profile.rate()).during(profile.hold())).protocols(gatewayProtocol())
            .andThen(votingOver.injectOpen(atOnceUsers(1)).protocols(tallyProtocol())),
        subscribers.injectOpen(rampUsers(profile.subscribers()).during(Duration.ofSeconds(2))).protocols(tallyProtocol()))
        .assertions(global().failedRequests().count().is(0L),
            details("counted = acknowledged").failedRequests().count().is(0L),
            details("subscriber totals = snapshot").successfulRequests().count().is((long) profile.subscribers()));
  }

  /** Contest ID to totals, from a snapshot or a delta, as one canonical JSON text. */
  static String totals(String json) {
    var totals = new JsonObject();
    for (var contest : new JsonObject(json).getJsonArray("contests")) {
      var c = (JsonObject) contest;
      totals.put(c.getString("id"), new JsonObject().put("totals", c.getJsonObject("totals")).put("ballots",
          c.getLong("ballots")));
    }
    return canonical(totals);
  }

  /**
   * Applies the deltas that arrived since the last look (each the absolute counts of what changed) to the running
   * totals; an event that does not parse or a sequence that does not grow is kept as the subscriber's problem.
   */
  private static Session apply(List<SseInboundMessage> messages, Session session) {
    var totals = new JsonObject(session.getString("totals"));
    long sequence = session.getLong("sequence");
    var problem = session.getString("problem");
    for (var message : messages) {
      try {
        var event = new JsonObject(message.message());
        if (!"delta".equals(event.getString("event"))) {
          continue;
        }
        long id = Long.parseLong(event.getString("id"));
        if (id <= sequence && problem.isEmpty()) {
          problem = "delta " + id + " after " + sequence;
        }
        sequence = id;
        var data = event.getValue("data");
        new JsonObject(totals(data instanceof JsonObject o ? o.encode() : String.valueOf(data)))
            .forEach(e -> totals.put(e.getKey(), e.getValue()));
      } catch (RuntimeException e) {
        if (problem.isEmpty()) {
          problem = "an event that does not parse (" + e.getMessage() + "): " + message.message();
        }
      }
    }
    return session.set("totals", canonical(totals)).set("sequence", sequence).set("problem", problem);
  }

  private static String canonical(JsonObject json) {
    var sorted = new java.util.TreeMap<String, Object>();
    json.forEach(e -> sorted.put(e.getKey(), e.getValue() instanceof JsonObject o ? new JsonObject(canonical(o))
        : e.getValue()));
    return new JsonObject(new java.util.LinkedHashMap<>(sorted)).encode();
  }
}
