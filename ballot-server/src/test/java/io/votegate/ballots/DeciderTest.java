package io.votegate.ballots;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.votegate.model.Election;
import io.votegate.model.RejectedBallot.Reason;
import io.votegate.model.SubmittedBallot;
import io.votegate.testkit.Infra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The decision step on a real PostgreSQL: one vote per voter, and replays that change nothing. */
class DeciderTest {
  private static final Instant START = Instant.now().minus(Duration.ofHours(1));
  private static Infra infra;
  private static Vertx vertx;
  private static Pool pool;
  private static Decider decider;
  private static BallotServerConfig config;

  @BeforeAll
  static void startPostgres() throws Exception {
    infra = new Infra().withPostgres();
    config = BallotServerConfig.fromEnv(Map.of("VOTEGATE_PG_PORT", String.valueOf(infra.postgresPort()),
        "VOTEGATE_PG_DATABASE", "postgres", "VOTEGATE_PG_USER", "postgres",
        "VOTEGATE_ELECTION_START", START.toString()));
    RollLoader.migrate(config);
    assertEquals(10_000, RollLoader.loadIfEmpty(config));
    assertEquals(10_000, RollLoader.loadIfEmpty(config), "a second start loads nothing more");
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setPort(infra.postgresPort()).setHost("localhost")
        .setDatabase("postgres").setUser("postgres")).using(vertx).build();
    decider = new Decider(pool, config.election(), new io.votegate.model.DayControls());
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    infra.close();
  }

  private static Decider.Candidate ballot(String voter, String receipt, String source, Instant at) {
    var id = io.votegate.model.VoterId.parse(voter).orElseThrow();
    return new Decider.Candidate(new SubmittedBallot(UUID.randomUUID(), receipt, "demo", voter, id.state(), id.county(),
        Map.of("president", List.of("dem")), at), source);
  }

  private static List<Decider.Decision> decide(Decider.Candidate... batch) throws Exception {
    return decider.decide(List.of(batch)).await(30, TimeUnit.SECONDS);
  }

  @Test
  void aFirstBallotIsAcceptedAndAReplayOfTheSameRecordIsAcceptedAgainWithoutASecondBallot() throws Exception {
    var first = ballot("DE10001-00000001", "r1", "0:1", Instant.now());
    assertEquals(Decider.Outcome.ACCEPTED, decide(first).get(0).outcome());
    assertEquals(Decider.Outcome.ACCEPTED, decide(first).get(0).outcome(), "a replayed batch decides the same");
    assertEquals(1, infra.queryLong("SELECT count(*) FROM ballot_box WHERE ballot_id = '" + first.ballot().ballotId() + "'"));
  }

  @Test
  void theSameReceiptInAnotherRecordIsADuplicateAndAnotherReceiptIsAlreadyVoted() throws Exception {
    var first = ballot("DE10001-00000002", "r2", "0:2", Instant.now());
    var retry = ballot("DE10001-00000002", "r2", "0:3", Instant.now());
    var second = ballot("DE10001-00000002", "r2b", "0:4", Instant.now());
    var decided = decide(first, retry, second);
    assertEquals(List.of(Decider.Outcome.ACCEPTED, Decider.Outcome.DUPLICATE, Decider.Outcome.REJECTED),
        decided.stream().map(Decider.Decision::outcome).toList());
    assertEquals(Reason.ALREADY_VOTED, decided.get(2).reason());
    assertEquals(1, infra.queryLong("SELECT count(*) FROM voters WHERE voter_id = 'DE10001-00000002' AND status = 'voted'"));
  }

  @Test
  void aVoterNotOnTheRollAndABallotCastAfterPollsCloseAreRejected() throws Exception {
    var stranger = ballot("DE10001-00099999", "r3", "0:5", Instant.now());
    var late = ballot("DE10001-00000003", "r4", "0:6", START.plus(Duration.ofHours(25)));
    var decided = decide(stranger, late);
    assertEquals(Reason.NOT_ON_ROLL, decided.get(0).reason());
    assertEquals(Reason.POLLS_CLOSED, decided.get(1).reason());
    assertEquals(0, infra.queryLong("SELECT count(*) FROM voters WHERE voter_id = 'DE10001-00000003' AND status = 'voted'"));
  }

  @Test
  void aVoterCountedInAnEarlierBatchGetsADuplicateForItsRetryAndARejectionForAnotherBallot() throws Exception {
    var first = ballot("DE10001-00000010", "r10", "0:10", Instant.now());
    assertEquals(Decider.Outcome.ACCEPTED, decide(first).get(0).outcome());
    var retry = ballot("DE10001-00000010", "r10", "0:11", Instant.now());
    var other = ballot("DE10001-00000010", "r10b", "0:12", Instant.now());
    assertEquals(Decider.Outcome.DUPLICATE, decide(retry).get(0).outcome(), "the retry leads the next batch");
    var rejected = decide(other).get(0);
    assertEquals(Reason.ALREADY_VOTED, rejected.reason());
    assertEquals(1, infra.queryLong("SELECT count(*) FROM voters WHERE voter_id = 'DE10001-00000010' AND receipt = 'r10'"
        + " AND ballot_source = '0:10'"), "the counted ballot's receipt and record stay on the roll");
  }

  @Test
  void aRevokedCardsBallotIsRejectedAndItsVoterStaysRevoked() throws Exception {
    decider.apply(io.votegate.model.ControlCommand.voter(io.votegate.model.ControlCommand.REVOKE, "DE10001-00000011",
        Instant.now())).await(30, TimeUnit.SECONDS);
    var decided = decide(ballot("DE10001-00000011", "r11", "0:13", Instant.now()));
    assertEquals(Reason.REVOKED, decided.get(0).reason());
    assertEquals(1, infra.queryLong("SELECT count(*) FROM voters WHERE voter_id = 'DE10001-00000011' AND status = 'revoked'"));
  }

  @Test
  void aMixedBatchPutsOnlyItsAcceptedBallotsInTheBoxAndDecidesTheSameWhenReplayed() throws Exception {
    var accepted = ballot("DE10001-00000012", "r12", "1:1", Instant.now());
    var stranger = ballot("DE10001-00099998", "r13", "1:2", Instant.now());
    var also = ballot("DE10001-00000013", "r14", "1:3", Instant.now());
    var again = ballot("DE10001-00000012", "r15", "1:4", Instant.now());
    var outcomes = List.of(Decider.Outcome.ACCEPTED, Decider.Outcome.REJECTED, Decider.Outcome.ACCEPTED,
        Decider.Outcome.REJECTED);
    long boxed = infra.queryLong("SELECT count(*) FROM ballot_box");
    var decided = decide(accepted, stranger, also, again);
    assertEquals(outcomes, decided.stream().map(Decider.Decision::outcome).toList());
    assertEquals(List.of(Reason.NOT_ON_ROLL, Reason.ALREADY_VOTED), List.of(decided.get(1).reason(), decided.get(3).reason()));
    var replayed = decide(accepted, stranger, also, again);
    assertEquals(outcomes, replayed.stream().map(Decider.Decision::outcome).toList(), "a replay decides the same");
    assertEquals(boxed + 2, infra.queryLong("SELECT count(*) FROM ballot_box"), "two ballots, once each");
    assertEquals(2, infra.queryLong("SELECT count(*) FROM ballot_box WHERE ballot_id IN ('"
        + accepted.ballot().ballotId() + "', '" + also.ballot().ballotId() + "')"));
  }

  @Test
  void aBatchLargeEnoughToBeSplitAmongTheConnectionsDecidesAsOneStatementWould() throws Exception {
    var batch = new java.util.ArrayList<Decider.Candidate>();
    int voters = Decider.CONNECTIONS * Decider.MIN_PART + 100;
    for (int i = 1; i <= voters; i++) {
      batch.add(ballot(String.format("DE10003-%08d", i), "big" + i, "2:" + i, Instant.now()));
    }
    // Each voter's other records come last, after the split point of the voters' part they belong to.
    batch.add(ballot("DE10003-00000001", "big1", "2:9001", Instant.now()));
    batch.add(ballot(String.format("DE10003-%08d", voters), "other", "2:9002", Instant.now()));
    batch.add(ballot("DE10003-00099999", "stranger", "2:9003", Instant.now()));
    long boxed = infra.queryLong("SELECT count(*) FROM ballot_box");
    var expected = new java.util.ArrayList<>(java.util.Collections.nCopies(voters, Decider.Outcome.ACCEPTED));
    expected.addAll(List.of(Decider.Outcome.DUPLICATE, Decider.Outcome.REJECTED, Decider.Outcome.REJECTED));
    for (var attempt : List.of("first", "replay")) {
      var decided = decider.decide(batch).await(30, TimeUnit.SECONDS);
      assertEquals(expected, decided.stream().map(Decider.Decision::outcome).toList(), attempt);
      assertEquals(List.of(Reason.ALREADY_VOTED, Reason.NOT_ON_ROLL),
          List.of(decided.get(voters + 1).reason(), decided.get(voters + 2).reason()), attempt);
      assertEquals(boxed + voters, infra.queryLong("SELECT count(*) FROM ballot_box"), attempt + ": each ballot once");
    }
    assertEquals(voters, infra.queryLong("SELECT count(*) FROM voters WHERE voter_id LIKE 'DE10003-%'"
        + " AND status = 'voted' AND receipt LIKE 'big%'"));
  }
}
