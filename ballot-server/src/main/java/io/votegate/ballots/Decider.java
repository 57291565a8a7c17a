package io.votegate.ballots;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.votegate.model.ControlCommand;
import io.votegate.model.DayControls;
import io.votegate.model.Election;
import io.votegate.model.RejectedBallot.Reason;
import io.votegate.model.Selections;
import io.votegate.model.SubmittedBallot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/**
 * Decides a batch of submitted ballots in one PostgreSQL statement per connection, run at once, so one round trip:
 * marks each voter as voted if eligible (a conditional update, never read-then-write), puts the accepted ballots in
 * the ballot box without their voters, and classifies the rest by their voters' rows. Replaying a batch gives the
 * same decisions and adds nothing.
 */
final class Decider {

  enum Outcome { ACCEPTED, REJECTED, DUPLICATE }

  /** A ballot and the ballots-topic record that carried it ({@code partition:offset}). */
  record Candidate(SubmittedBallot ballot, String source) {}

  /**
   * {@code DUPLICATE}: the same receipt arrived again in another record (a voter's retry); the first is counted,
   * so this one is neither counted nor rejected.
   */
  record Decision(Candidate candidate, Outcome outcome, Reason reason) {}

  /** A voter's row after the batch's statement; {@code marked}: by this very statement. */
  private record Voter(String status, String receipt, boolean marked) {}

  /** Connections to PostgreSQL, and statements a batch is split into (ARCHITECTURE.md: two, more only contend). */
  static final int CONNECTIONS = 2;
  /** Voters a statement takes at least: below it, a second commit costs more than the work it shares. */
  static final int MIN_PART = 250;

  private final Pool pool;
  private final Election election;
  private final DayControls controls;

  Decider(Pool pool, Election election, DayControls controls) {
    this.pool = pool;
    this.election = election;
    this.controls = controls;
  }

  /** An operator's revocation or restoration of a voter's card, on the roll; idempotent. */
  Future<Void> apply(ControlCommand command) {
    var sql = ControlCommand.REVOKE.equals(command.kind()) ? Sql.REVOKE_VOTER : Sql.RESTORE_VOTER;
    return pool.preparedQuery(sql).execute(Tuple.of(election.id(), command.voterId())).mapEmpty();
  }

  Future<List<Decision>> decide(List<Candidate> batch) {
    // By identity: a candidate's record hash would hash its whole ballot, selections and all, three times a ballot.
    var decisions = new IdentityHashMap<Candidate, Decision>();
    var open = new ArrayList<Candidate>();
    for (var candidate : batch) {
      var ballot = candidate.ballot();
      var state = election.state(ballot.state());
      // The window in force when the gateway accepted the ballot, as the operators' commands changed it.
      if (state.isEmpty() || !controls.pollsOpenAt(state.get(), ballot.submittedAt())) {
        decisions.put(candidate, new Decision(candidate, Outcome.REJECTED, Reason.POLLS_CLOSED));
      } else {
        open.add(candidate);
      }
    }
    if (open.isEmpty()) {
      return Future.succeededFuture(List.copyOf(decisions.values()));
    }
    // One candidate per voter goes to the statement; the others are classified against what it did.
    var first = new LinkedHashMap<String, Candidate>();
    open.forEach(c -> first.putIfAbsent(c.ballot().voterId(), c));
    var winners = List.copyOf(first.values());
    // join, not all: the step ends when every statement has, so a failed batch's replay never overlaps one of its own.
    return Future.join(parts(winners).stream().map(part -> pool.preparedQuery(Sql.DECIDE).execute(arguments(part)))
            .toList())
        .map(statements -> {
          var after = new HashMap<String, Voter>();
          for (int i = 0; i < statements.size(); i++) {
            for (Row row : statements.<RowSet<Row>>resultAt(i)) {
              var voterId = row.getString(0);
              after.put(voterId, row.getBoolean(1)
                  ? new Voter("voted", first.get(voterId).ballot().receipt(), true)
                  : new Voter(row.getString(2), row.getString(3), false));
            }
          }
          for (var candidate : open) {
            decisions.put(candidate, classify(candidate, first.get(candidate.ballot().voterId()),
                after.get(candidate.ballot().voterId())));
          }
          return batch.stream().map(decisions::get).toList();
        });
  }

  /**
   * The voters split among {@link #CONNECTIONS} statements that run at once, each in its own transaction: one
   * statement left PostgreSQL one core of two, and the loop waited on it for most of each batch. A voter is in one
   * part only (the batch has one candidate per voter), so the statements touch different rows and never wait on each
   * other; a replay of the batch recognises its own work in each. Small batches stay whole: a statement is a commit.
   */
  private static List<List<Candidate>> parts(List<Candidate> winners) {
    if (winners.size() < CONNECTIONS * MIN_PART) {
      return List.of(winners);
    }
    var parts = new ArrayList<List<Candidate>>(CONNECTIONS);
    for (int i = 0; i < CONNECTIONS; i++) {
      parts.add(winners.subList(winners.size() * i / CONNECTIONS, winners.size() * (i + 1) / CONNECTIONS));
    }
    return parts;
  }

  /** The whole batch as one array per column: a statement of eight parameters, whatever the batch size. */
  private Tuple arguments(List<Candidate> winners) {
    int n = winners.size();
    var voterIds = new String[n];
    var receipts = new String[n];
    var sources = new String[n];
    var ballotIds = new UUID[n];
    var states = new String[n];
    var counties = new String[n];
    var selections = new String[n];
    for (int i = 0; i < n; i++) {
      var candidate = winners.get(i);
      var ballot = candidate.ballot();
      voterIds[i] = ballot.voterId();
      receipts[i] = ballot.receipt();
      sources[i] = candidate.source();
      ballotIds[i] = ballot.ballotId();
      states[i] = ballot.state();
      counties[i] = ballot.county();
      selections[i] = Selections.toJson(ballot.selections()).encode();
    }
    return Tuple.of(election.id(), voterIds, receipts, sources, ballotIds, states, counties)
        .addArrayOfString(selections);
  }

  /**
   * A candidate judged by its voter's row after the statement ({@code null}: not on the roll): counted if it is the
   * one that marked the voter, a duplicate if the voter's counted receipt is its own (a retry in another record),
   * else rejected.
   */
  private static Decision classify(Candidate candidate, Candidate winner, Voter voter) {
    if (voter == null) {
      return new Decision(candidate, Outcome.REJECTED, Reason.NOT_ON_ROLL);
    }
    if ("revoked".equals(voter.status())) {
      return new Decision(candidate, Outcome.REJECTED, Reason.REVOKED);
    }
    if (voter.marked() && candidate == winner) {
      return new Decision(candidate, Outcome.ACCEPTED, null);
    }
    return candidate.ballot().receipt().equals(voter.receipt())
        ? new Decision(candidate, Outcome.DUPLICATE, null)
        : new Decision(candidate, Outcome.REJECTED, Reason.ALREADY_VOTED);
  }

  Future<?> ready() {
    return pool.query(Sql.PING).execute();
  }
}
