package io.votegate.ballots;

/** Every statement the ballot-server runs, in one place. Business rules are in these conditions, not in Java. */
final class Sql {
  private Sql() {}

  /**
   * One vote per voter, as one conditional update for a whole batch (each array is one parameter). A voter is marked
   * only if eligible, or if already marked by this very record: a replay of a batch whose Kafka transaction never
   * committed. The caller deduplicates voters first: with two rows for one voter, which one wins is undefined.
   */
  static final String MARK_VOTED = """
      UPDATE voters AS v
         SET status = 'voted', receipt = b.receipt, ballot_source = b.source, voted_at = COALESCE(v.voted_at, now())
        FROM unnest($2::text[], $3::text[], $4::text[]) AS b(voter_id, receipt, source)
       WHERE v.election_id = $1
         AND v.voter_id = b.voter_id
         AND (v.status = 'eligible' OR (v.status = 'voted' AND v.receipt = b.receipt AND v.ballot_source = b.source))
      RETURNING v.voter_id""";

  /** Why the others were not marked: the row as it now stands, or no row at all (not on the roll). */
  static final String STATUS_OF = """
      SELECT voter_id, status, receipt FROM voters WHERE election_id = $1 AND voter_id = ANY($2::text[])""";

  /** Idempotent on ballot ID, so a replayed batch adds nothing. The hour is all the time a ballot keeps. */
  static final String INSERT_BALLOTS = """
      INSERT INTO ballot_box (ballot_id, election_id, state, county, selections, accepted_at)
      SELECT b.ballot_id, $1, b.state, b.county, b.selections, date_trunc('hour', now())
        FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS b(ballot_id, state, county, selections)
      ON CONFLICT (ballot_id) DO NOTHING""";

  /** An operator's revocation: a card reported stolen votes no more; one that voted already keeps its vote. */
  static final String REVOKE_VOTER = """
      UPDATE voters SET status = 'revoked' WHERE election_id = $1 AND voter_id = $2 AND status = 'eligible'""";

  /** An operator's restoration of a revoked card: eligible again, unless it has voted meanwhile (it cannot). */
  static final String RESTORE_VOTER = """
      UPDATE voters SET status = 'eligible' WHERE election_id = $1 AND voter_id = $2 AND status = 'revoked'""";

  static final String PING = "SELECT 1";

  // Roll loading, over JDBC at startup.
  static final String LOCK_ROLL = "SELECT pg_advisory_xact_lock(hashtext('votegate.roll.' || ?))";
  static final String COUNT_ROLL = "SELECT count(*) FROM voters WHERE election_id = ?";
  static final String COPY_ROLL = "COPY voters (election_id, voter_id, state, county) FROM STDIN WITH (FORMAT csv)";
}
