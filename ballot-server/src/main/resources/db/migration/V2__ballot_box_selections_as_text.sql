-- A ballot's selections are written once and never queried inside the database: keep the JSON as text. Parsing it
-- into jsonb on every insert cost about a third of the decision step's database CPU (55 against 38 us a ballot,
-- measured with the roll at 10 million, ARCHITECTURE.md); counting reads the tally's topic, not this table.
ALTER TABLE ballot_box ALTER COLUMN selections TYPE text USING selections::text;
