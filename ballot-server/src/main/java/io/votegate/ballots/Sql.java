package io.votegate.ballots;

/** Every statement the ballot-server runs, in one place. Business rules are in these conditions, not in Java. */
final class Sql {
  private Sql() {}

  /**
   * A whole batch decided in one statement, so in one round trip and one transaction: the batch's arrays (each one
   * parameter) are read once; a conditional update marks each voter as voted only if eligible, or if already marked
   * by this very record (a replay of a batch whose Kafka transaction never committed); the marked voters' ballots go
   * into the ballot box, idempotent on ballot ID, joined to their voters only inside this statement (the box never
   * holds a voter ID); and the others' rows are read as they stood, for the caller to classify. The hour is all the
   * time a ballot keeps. The caller deduplicates voters first: with two rows for one voter, which one wins is
   * undefined.
   *
   * <p>Parameters: election, then per ballot voter ID, receipt, source record, ballot ID, state, county, selections.
   * Returns a row per voter marked ({@code marked} true), and per voter on the roll not marked, with the row's
   * {@code status} and {@code receipt} as they stood; a voter not on the roll has no row.
   */
  static final String DECIDE = """
      WITH batch AS (
        SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[])
                   AS b(voter_id, receipt, source, ballot_id, state, county, selections)
      ), marked AS (
        UPDATE voters AS v
           SET status = 'voted', receipt = b.receipt, ballot_source = b.source, voted_at = COALESCE(v.voted_at, now())
          FROM batch AS b
         WHERE v.election_id = $1
           AND v.voter_id = b.voter_id
           AND (v.status = 'eligible' OR (v.status = 'voted' AND v.receipt = b.receipt AND v.ballot_source = b.source))
        RETURNING v.voter_id
      ), boxed AS (
        INSERT INTO ballot_box (ballot_id, election_id, state, county, selections, accepted_at)
        SELECT b.ballot_id, $1, b.state, b.county, b.selections, date_trunc('hour', now())
          FROM batch AS b JOIN marked AS m ON m.voter_id = b.voter_id
        ON CONFLICT (ballot_id) DO NOTHING
      )
      SELECT voter_id, true AS marked, NULL AS status, NULL AS receipt FROM marked
      UNION ALL
      SELECT v.voter_id, false, v.status, v.receipt
        FROM batch AS b JOIN voters AS v ON v.election_id = $1 AND v.voter_id = b.voter_id
       WHERE NOT EXISTS (SELECT FROM marked AS m WHERE m.voter_id = b.voter_id)""";

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
