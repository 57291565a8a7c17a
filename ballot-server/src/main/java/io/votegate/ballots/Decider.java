package io.votegate.ballots;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.votegate.model.ControlCommand;
import io.votegate.model.DayControls;
import io.votegate.model.Election;
import io.votegate.model.RejectedBallot.Reason;
import io.votegate.model.Selections;
import io.votegate.model.SubmittedBallot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Decides a batch of submitted ballots in one PostgreSQL transaction: marks each voter as voted if eligible (a
 * conditional update, never read-then-write), classifies the rest, and puts the accepted ballots in the ballot box
 * without their voters. Replaying a batch gives the same decisions and adds nothing.
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

  private record Voter(String status, String receipt) {}

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
    return pool.withTransaction(conn -> markVoted(conn, open)
            .compose(accepted -> classify(conn, open, accepted))
            .compose(decided -> insertBallots(conn, decided).map(decided)))
        .map(decided -> {
          decided.forEach(d -> decisions.put(d.candidate(), d));
          return batch.stream().map(decisions::get).toList();
        });
  }

  private Future<Set<String>> markVoted(SqlConnection conn, List<Candidate> open) {
    // One candidate per voter goes to the UPDATE; the others are classified against what it did.
    var first = new LinkedHashMap<String, Candidate>();
    open.forEach(c -> first.putIfAbsent(c.ballot().voterId(), c));
    var winners = List.copyOf(first.values());
    return conn.preparedQuery(Sql.MARK_VOTED).execute(Tuple.of(
            election.id(),
            winners.stream().map(c -> c.ballot().voterId()).toArray(String[]::new),
            winners.stream().map(c -> c.ballot().receipt()).toArray(String[]::new),
            winners.stream().map(Candidate::source).toArray(String[]::new)))
        .map(rows -> {
          var marked = new HashSet<String>();
          rows.forEach(row -> marked.add(row.getString(0)));
          var accepted = new HashSet<String>();
          winners.stream().filter(c -> marked.contains(c.ballot().voterId())).forEach(c -> accepted.add(c.source()));
          return accepted;
        });
  }

  private Future<List<Decision>> classify(SqlConnection conn, List<Candidate> open, Set<String> acceptedSources) {
    var others = open.stream().filter(c -> !acceptedSources.contains(c.source())).toList();
    Future<Map<String, Voter>> voters = others.isEmpty()
        ? Future.succeededFuture(Map.of())
        : conn.preparedQuery(Sql.STATUS_OF).execute(Tuple.tuple().addString(election.id()).addArrayOfString(
                others.stream().map(c -> c.ballot().voterId()).distinct().toArray(String[]::new)))
            .map(rows -> {
              var map = new HashMap<String, Voter>();
              for (Row row : rows) {
                map.put(row.getString("voter_id"), new Voter(row.getString("status"), row.getString("receipt")));
              }
              return map;
            });
    return voters.map(known -> open.stream().map(c -> {
      if (acceptedSources.contains(c.source())) {
        return new Decision(c, Outcome.ACCEPTED, null);
      }
      var voter = known.get(c.ballot().voterId());
      if (voter == null) {
        return new Decision(c, Outcome.REJECTED, Reason.NOT_ON_ROLL);
      }
      if ("revoked".equals(voter.status())) {
        return new Decision(c, Outcome.REJECTED, Reason.REVOKED);
      }
      return c.ballot().receipt().equals(voter.receipt())
          ? new Decision(c, Outcome.DUPLICATE, null)
          : new Decision(c, Outcome.REJECTED, Reason.ALREADY_VOTED);
    }).toList());
  }

  private Future<?> insertBallots(SqlConnection conn, List<Decision> decided) {
    var accepted = decided.stream().filter(d -> d.outcome() == Outcome.ACCEPTED).map(d -> d.candidate().ballot())
        .toList();
    if (accepted.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(Sql.INSERT_BALLOTS).execute(Tuple.of(
        election.id(),
        accepted.stream().map(SubmittedBallot::ballotId).toArray(UUID[]::new),
        accepted.stream().map(SubmittedBallot::state).toArray(String[]::new),
        accepted.stream().map(SubmittedBallot::county).toArray(String[]::new),
        accepted.stream().map(b -> Selections.toJson(b.selections()).encode()).toArray(String[]::new)));
  }

  Future<?> ready() {
    return pool.query(Sql.PING).execute();
  }
}
