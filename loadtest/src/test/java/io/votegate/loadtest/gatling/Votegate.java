package io.votegate.loadtest.gatling;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import io.votegate.loadtest.CardFeed;
import io.votegate.loadtest.VotegateHttp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

/**
 * What every Votegate simulation shares: where the system is, how hard and how long to push (a {@code testType}
 * profile, each value overridable by a system property), the voters' cards as a feeder, the voter's chains (sign
 * in, cast the ballot the sign-in returned, follow the receipt) and the assertions that fail a run.
 *
 * <p>System properties: {@code gateway}, {@code tally} (URLs), {@code cards} (a cards CSV, as {@code ./votegate
 * cards} prints it), {@code cardsSkip}, {@code testType} ({@code smoke}, {@code capacity}, {@code soak}, {@code stress}), and to
 * override the profile {@code rate} (voters/s), {@code duration} and {@code ramp} (seconds), {@code subscribers}.
 */
public final class Votegate {
  private Votegate() {}

  /** A load profile: the rate to reach, how long to ramp and hold it, how many newsroom subscribers. */
  public record Profile(String name, double rate, Duration ramp, Duration hold, int subscribers, double maxErrorPercent,
                        int p99SignInMillis, int p99BallotMillis) {}

  /** The profiles of {@code -DtestType}: smoke proves the path, capacity finds the rate, soak holds it, stress breaks. */
  public static Profile profile() {
    var type = System.getProperty("testType", "smoke");
    var base = switch (type) {
      case "smoke" -> new Profile(type, 20, Duration.ofSeconds(2), Duration.ofSeconds(5), 20, 0, 2_000, 2_000);
      case "capacity" -> new Profile(type, 1_500, Duration.ofSeconds(30), Duration.ofSeconds(60), 500, 1, 500, 1_000);
      case "soak" -> new Profile(type, 800, Duration.ofSeconds(30), Duration.ofMinutes(30), 1_000, 0.1, 500, 1_000);
      case "stress" -> new Profile(type, 5_000, Duration.ofMinutes(2), Duration.ofSeconds(60), 2_000, 5, 5_000, 10_000);
      default -> throw new IllegalArgumentException("testType must be smoke, capacity, soak or stress, not " + type);
    };
    return new Profile(type, Double.parseDouble(System.getProperty("rate", String.valueOf(base.rate()))),
        Duration.ofSeconds(Long.getLong("ramp", base.ramp().toSeconds())),
        Duration.ofSeconds(Long.getLong("duration", base.hold().toSeconds())),
        Integer.getInteger("subscribers", base.subscribers()), base.maxErrorPercent(), base.p99SignInMillis(),
        base.p99BallotMillis());
  }

  public static String gateway() {
    return System.getProperty("gateway", "http://localhost:8080");
  }

  public static String tally() {
    return System.getProperty("tally", "http://localhost:8081");
  }

  public static HttpProtocolBuilder gatewayProtocol() {
    // Each virtual voter speaks from a device of its own (see VotegateHttp.clientAddress).
    return http.baseUrl(gateway()).acceptHeader("application/json").contentTypeHeader("application/json").disableCaching()
        .header("X-Forwarded-For", session -> VotegateHttp.clientAddress(session.userId()))
        .shareConnections().warmUp(gateway() + "/health/live");
  }

  /**
   * The tally, read afresh each time (no conditional GETs: the reconciliation needs the body); a results stream
   * keeps the events no check took (up to 10,000) for the scenario to read.
   */
  public static HttpProtocolBuilder tallyProtocol() {
    return http.baseUrl(tally()).acceptHeader("application/json").shareConnections().disableCaching()
        .sseUnmatchedInboundMessageBufferSize(10_000);
  }

  /**
   * Real voters' cards, each used once (a queue), streamed from the cards CSV with the states taking turns, so a
   * roll of millions is never held in memory. {@code states} limits them to some states (null: all);
   * {@code -DcardsSkip=N} starts after the first N, so that runs on one election use voters who have not voted.
   */
  public static CardFeed cards(java.util.function.Predicate<String> states) {
    return CardFeed.of(cardsFile(), states, Long.getLong("cardsSkip", 0));
  }

  /** The cards CSV of {@code -Dcards}. */
  public static Path cardsFile() {
    return Path.of(System.getProperty("cards", ".votegate/cards-us-2020.csv"));
  }

  /** A ramp to the profile's rate of arriving voters, then that rate held: an open model, as voters arrive. */
  public static OpenInjectionStep[] rampAndHold(Profile profile) {
    return new OpenInjectionStep[] {
        rampUsersPerSec(1).to(profile.rate()).during(profile.ramp()),
        constantUsersPerSec(profile.rate()).during(profile.hold())};
  }

  // --- the voter's chains -----------------------------------------------------------------------------------------

  /** Signs the card's voter in; keeps the token and the ballot the gateway returned. */
  public static ChainBuilder signIn(String name) {
    return exec(http(name).post("/api/v1/sessions")
        .body(StringBody("{\"voterId\":\"#{voterId}\",\"code\":\"#{code}\"}"))
        .check(status().is(201), jsonPath("$.token").saveAs("token"), jsonPath("$.ballot").saveAs("ballot")));
  }

  /**
   * Casts a valid ballot for the voter's own state (in each contest on it, choice number {@code pick}) with the
   * session's {@code token}; keeps its receipt. A voter's first ballot is counted towards the reconciliation.
   */
  public static ChainBuilder castBallot(String name, int pick, boolean first) {
    return exec(session -> session.set("selections", selections(session.getString("ballot"), pick)))
        .exec(http(name).post("/api/v1/ballots").header("Authorization", "Bearer #{token}")
            .body(StringBody("#{selections}"))
            .check(status().is(202), jsonPath("$.receipt").saveAs("receipt")))
        .exec(session -> {
          if (first && !session.isFailed()) {
            ACKNOWLEDGED.incrementAndGet();
          }
          return session;
        });
  }

  /**
   * Reads the receipt in {@code receiptKey} until it is decided (at most a minute) and keeps what it said in
   * {@code <receiptKey>Status} ({@code counted}, {@code rejected}) and {@code <receiptKey>Reason} (a rejection's).
   */
  public static ChainBuilder awaitReceipt(String name, String receiptKey) {
    var status = receiptKey + "Status";
    return exec(session -> session.set(status, "pending"))
        .asLongAsDuring(session -> "pending".equals(session.getString(status)), Duration.ofSeconds(60)).on(
            pause(Duration.ofMillis(300))
                .exec(http(name + " (waiting)").get("/api/v1/receipts/#{" + receiptKey + "}")
                    .check(status().is(200), jsonPath("$.status").saveAs(status),
                        jsonPath("$.reason").optional().saveAs(receiptKey + "Reason"))));
  }

  /**
   * Follows the receipt in {@code receiptKey} until it is decided, then checks that it ended {@code status} (and,
   * for a rejection, with {@code reason}).
   */
  public static ChainBuilder followReceipt(String name, String receiptKey, String status, String reason) {
    List<io.gatling.javaapi.core.CheckBuilder> finalCheck = reason == null
        ? List.of(status().is(200), jsonPath("$.status").is(status))
        : List.of(status().is(200), jsonPath("$.status").is(status), jsonPath("$.reason").is(reason));
    return exec(awaitReceipt(name, receiptKey))
        .exec(http(name).get("/api/v1/receipts/#{" + receiptKey + "}").check(finalCheck));
  }

  /** The selections JSON of a ballot: in each contest, the {@code pick}-th candidate (wrapping round). */
  static String selections(String ballotJson, int pick) {
    var selections = new JsonObject();
    for (var contest : new JsonObject(ballotJson).getJsonArray("contests")) {
      var candidates = ((JsonObject) contest).getJsonArray("candidates");
      var chosen = candidates.getJsonObject(Math.floorMod(pick, candidates.size())).getString("id");
      selections.put(((JsonObject) contest).getString("id"), new JsonArray().add(chosen));
    }
    return new JsonObject().put("selections", selections).encode();
  }

  // --- counted = acknowledged ---------------------------------------------------------------------------------------

  /** Ballots first-cast and acknowledged (202) by this run's voters, to reconcile with the tally at the end. */
  public static final AtomicLong ACKNOWLEDGED = new AtomicLong();

  /**
   * The tally's count when the run starts, and its sequence must end at that plus what this run acknowledged: a
   * request named "counted = acknowledged" that fails otherwise, so the assertion on failures fails the run.
   */
  public static ChainBuilder reconcile(long baseline) {
    return exec(session -> session.set("sequence", -1L))
        .asLongAsDuring(session -> session.getLong("sequence") < baseline + ACKNOWLEDGED.get(), Duration.ofMinutes(2))
        .on(pause(Duration.ofMillis(500)).exec(http("tally (draining)").get("/api/v1/results?level=national")
            .check(jsonPath("$.sequence").ofLong().saveAs("sequence"))))
        .exec(http("counted = acknowledged").get("/api/v1/results?level=national")
            .check(jsonPath("$.sequence").ofLong().transform(sequence -> sequence - baseline)
                .validate("the tally counted every acknowledged ballot once",
                    (counted, session) -> {
                      if (counted == ACKNOWLEDGED.get()) {
                        return counted;
                      }
                      throw new IllegalStateException("tally counted " + counted + ", acknowledged " + ACKNOWLEDGED.get());
                    })));
  }

  private static final java.net.http.HttpClient TALLY_READER = java.net.http.HttpClient.newHttpClient();

  /** The tally's sequence now: what was counted before this run. */
  public static long tallySequence() {
    try {
      var response = TALLY_READER.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(tally() + "/api/v1/results?level=national")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      return new JsonObject(response.body()).getLong("sequence");
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the tally at " + tally() + ": " + e.getMessage(), e);
    }
  }

  // --- assertions -----------------------------------------------------------------------------------------------

  /** What fails a run: errors beyond the profile's allowance, slow sign-ins or ballots, and any reconciliation. */
  public static List<Assertion> assertions(Profile profile) {
    var assertions = new ArrayList<Assertion>();
    assertions.add(global().failedRequests().percent().lte(profile.maxErrorPercent()));
    assertions.add(details("sign in").responseTime().percentile(99).lte(profile.p99SignInMillis()));
    assertions.add(details("cast ballot").responseTime().percentile(99).lte(profile.p99BallotMillis()));
    assertions.add(details("counted = acknowledged").failedRequests().count().is(0L));
    return assertions;
  }

}
