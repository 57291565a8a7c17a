package io.votegate.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.votegate.model.Election;
import io.votegate.model.Receipts;
import io.votegate.model.SessionTokens;
import io.votegate.model.SubmittedBallot;
import io.votegate.model.VoterCodes;
import io.votegate.model.VoterId;
import io.votegate.platform.Problem;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The voter's two acts, independent of how they arrive (JSON API or HTML form): sign in with a voter-card code,
 * and submit a ballot. Everything is checked without a lookup: the code by HMAC, the token by AES-GCM, the
 * ballot against the election definition. Whether the voter is on the roll or has voted is the ballot-server's call.
 * Guessing is slowed by {@link RateLimits}. One per event loop, as its Redis link is.
 */
public final class Voting {
  private final Election election;
  private final VoterCodes codes;
  private final SessionTokens tokens;
  private final Receipts receipts;
  private final BallotPublisher publisher;
  private final RateLimits limits;
  private final BallotIds ballotIds = new BallotIds();
  private final Counter uncountable;
  private final Counter wrongCodes;
  private final Counter malformedSignIns;
  private final GatewayConfig config;
  private final Clock clock;

  public record SignedIn(String token, VoterId voter, Instant expiresAt) {}

  private final io.votegate.model.DayControls controls;

  public Voting(GatewayConfig config, BallotPublisher publisher, RateLimits limits, MeterRegistry registry, Clock clock,
                io.votegate.model.DayControls controls) {
    this.controls = controls;
    this.config = config;
    this.election = config.election();
    this.codes = new VoterCodes(config.keys().roll());
    this.tokens = new SessionTokens(config.keys().token());
    this.receipts = new Receipts(config.keys().receipt());
    this.publisher = publisher;
    this.limits = limits;
    this.uncountable = Counter.builder("votegate.gateway.unavailable").tag("cause", "rate_limits_unreachable")
        .description("Sign-ins refused with 503: a wrong code whose failure Redis could not count").register(registry);
    this.wrongCodes = Counter.builder("votegate.gateway.signin.failures").tag("kind", "invalid_credentials")
        .description("Sign-ins refused for a wrong code or unknown voter ID, or for a malformed request").register(registry);
    this.malformedSignIns = Counter.builder("votegate.gateway.signin.failures").tag("kind", "malformed")
        .description("Sign-ins refused for a wrong code or unknown voter ID, or for a malformed request").register(registry);
    this.clock = clock;
  }

  public Election election() {
    return election;
  }

  /**
   * Signs a voter in from {@code address}. The limits are read before the code is judged and answer 429 whatever the
   * code, so a guesser past them learns nothing. If Redis cannot be asked, a right code still signs in (voters are
   * never locked out by our outage) but a wrong one gets 503: a failure we cannot count must not be free to repeat.
   */
  public Future<SignedIn> signIn(String voterIdText, String code, String address) {
    var wellFormed = VoterId.parse(voterIdText);
    var voter = wellFormed.filter(v -> election.state(v.state()).flatMap(s -> s.county(v.county())).isPresent());
    // A well-formed voter ID is counted whether or not it is on the roll: the limit must not reveal which are.
    var attempt = new RateLimits.SignIn(wellFormed.map(VoterId::value).orElse(null), address);
    try {
      limits.checkSignIn(attempt);
      // Same answer for an unknown voter ID and a wrong code: no error reveals whether a voter ID exists.
      if (voter.isPresent() && codes.matches(election.id(), voter.get().value(), code)) {
        return Future.succeededFuture(session(voter.get()));
      }
    } catch (Problem problem) {
      return Future.failedFuture(problem);
    }
    return limits.failedSignIn(attempt).transform(counted -> counted.succeeded()
        ? failed(wrongCodes, INVALID_CREDENTIALS)
        : isTooMany(counted.cause()) ? Future.failedFuture(counted.cause()) : uncountable());
  }

  /** A malformed sign-in counts against its address: refused with {@code malformed}, or 429 once over the limit. */
  public Future<SignedIn> malformedSignIn(Problem malformed, String address) {
    var attempt = new RateLimits.SignIn(null, address);
    try {
      limits.checkSignIn(attempt);
    } catch (Problem tooMany) {
      return Future.failedFuture(tooMany);
    }
    return limits.failedSignIn(attempt).transform(counted -> counted.failed() && isTooMany(counted.cause())
        ? Future.failedFuture(counted.cause())
        : failed(malformedSignIns, malformed));
  }

  private static final Problem INVALID_CREDENTIALS = Problem.of(401, "invalid_credentials", "Invalid credentials",
      "The voter ID and code do not match. Check both against your voter card.");
  private static final Problem UNCOUNTABLE = Problem.unavailable(
      "Sign-in attempts cannot be checked right now; try again shortly.", 5);

  private static <T> Future<T> failed(Counter counter, Problem problem) {
    counter.increment();
    return Future.failedFuture(problem);
  }

  private <T> Future<T> uncountable() {
    uncountable.increment();
    return Future.failedFuture(UNCOUNTABLE);
  }

  private static boolean isTooMany(Throwable failure) {
    return failure instanceof Problem problem && problem.status() == 429;
  }

  private SignedIn session(VoterId voter) {
    var now = clock.instant();
    requirePollsOpen(voter.state(), now);
    var token = tokens.issue(election.id(), voter, now, config.sessionTtl());
    return new SignedIn(token, voter, now.plus(config.sessionTtl()));
  }

  /**
   * Validates and publishes a ballot; completes with the receipt once Kafka has acknowledged it. Every refusal,
   * the voter's (4xx) or Kafka's (503), fails the returned future: callers have one failure path.
   */
  public Future<String> submit(String token, Map<String, List<String>> selections) {
    try {
      var ballot = validated(token, selections);
      limits.submission(ballot.receipt());
      return publisher.publish(ballot).map(SubmittedBallot::receipt);
    } catch (Problem problem) {
      return Future.failedFuture(problem);
    }
  }

  private SubmittedBallot validated(String token, Map<String, List<String>> selections) {
    var now = clock.instant();
    var session = openSession(token, now);
    var voter = session.voter();
    requirePollsOpen(voter.state(), now);
    var problems = election.validate(voter.state(), selections);
    if (!problems.isEmpty()) {
      throw new Problem(400, "invalid_ballot", "Invalid ballot", "The ballot does not match your ballot's contests.",
          new JsonArray(problems.stream().map(Election.BallotProblem::toJson).toList()), null);
    }
    return new SubmittedBallot(ballotIds.next(), receipts.forSession(session), election.id(), voter.value(),
        voter.state(), voter.county(), selections, now);
  }

  /** The voter a session token names, if it is genuine and not expired; else the problem the API answers. */
  public VoterId voterOf(String token) {
    return openSession(token, clock.instant()).voter();
  }

  public boolean isGenuineReceipt(String receipt) {
    return receipts.isGenuine(receipt);
  }

  private SessionTokens.Session openSession(String token, Instant now) {
    try {
      return tokens.open(token, election.id(), now);
    } catch (SessionTokens.TokenException e) {
      throw e.expired()
          ? Problem.of(401, "expired_token", "Session expired", "Your session has expired; sign in again.")
          : Problem.of(401, "invalid_token", "Invalid session", "The session token is missing or not valid.");
    }
  }

  /** Judged by the window in force now: the definition's, as the operators' commands changed it. */
  private void requirePollsOpen(String state, Instant now) {
    var window = election.state(state).orElseThrow();
    if (!controls.pollsOpenAt(window, now)) {
      throw Problem.of(403, "polls_closed", "Polls closed", "Polls in " + window.name() + " are open from "
          + window.formatted(window.opens()) + " to " + window.formatted(controls.closes(window, now)) + ".");
    }
  }

  /** When {@code state}'s polls close, as in force now. */
  public Instant closes(Election.State state) {
    return controls.closes(state, clock.instant());
  }

  /** The public election, with every window as in force now: the definition's own until an operator changes one. */
  public io.vertx.core.json.JsonObject publicElection(io.vertx.core.json.JsonObject definition) {
    if (!controls.changedAny()) {
      return definition; // built once at start; a copy per request only when there is something to change in it
    }
    var now = clock.instant();
    var json = definition.copy();
    for (var entry : json.getJsonArray("states")) {
      var state = (io.vertx.core.json.JsonObject) entry;
      var window = election.state(state.getString("code")).orElseThrow();
      if (controls.changed(window.code())) {
        state.put("closes", controls.closes(window, now).toString()).put("changedByOperators", true);
      }
    }
    return json;
  }
}
