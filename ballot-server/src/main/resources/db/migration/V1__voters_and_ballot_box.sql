-- The roll: who may vote, and who has. Updates stay in their page (fillfactor 70), so marking a voter is cheap.
CREATE TABLE voters (
  election_id   text        NOT NULL,
  voter_id      text        NOT NULL,
  state         char(2)     NOT NULL,
  county        char(5)     NOT NULL,
  status        text        NOT NULL DEFAULT 'eligible' CHECK (status IN ('eligible', 'voted', 'revoked')),
  -- The receipt of the ballot that was counted, and the ballots-topic record (partition:offset) that carried it:
  -- a replayed batch recognises its own earlier decision by both, a resubmission of the same receipt by the first.
  receipt       text,
  ballot_source text,
  voted_at      timestamptz,
  PRIMARY KEY (election_id, voter_id),
  CHECK ((status = 'voted') = (receipt IS NOT NULL AND ballot_source IS NOT NULL AND voted_at IS NOT NULL))
) WITH (fillfactor = 70);

-- The ballots: how, never who. No voter ID, a random ballot ID, and no time finer than the hour, so that neither
-- a column nor the order of rows links a ballot to the voters decided in the same batch.
CREATE TABLE ballot_box (
  ballot_id   uuid        PRIMARY KEY,
  election_id text        NOT NULL,
  state       char(2)     NOT NULL,
  county      char(5)     NOT NULL,
  selections  jsonb       NOT NULL,
  accepted_at timestamptz NOT NULL
);
