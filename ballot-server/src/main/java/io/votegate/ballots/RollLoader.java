package io.votegate.ballots;

import io.votegate.model.Election;
import io.votegate.model.VoterId;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Startup work over JDBC, run on a worker thread before the service takes ballots: the schema migrations (Flyway),
 * and the election's roll, generated from its definition and loaded with COPY the first time.
 */
final class RollLoader {
  private static final Logger LOG = LoggerFactory.getLogger(RollLoader.class);
  private static final int COPY_CHUNK = 1 << 16;

  private RollLoader() {}

  static void migrate(BallotServerConfig config) {
    Flyway.configure()
        .dataSource(config.jdbcUrl(), config.pgUser(), config.pgPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  /** Loads the roll unless this election already has one; an advisory lock keeps two instances from both loading. */
  static long loadIfEmpty(BallotServerConfig config) throws SQLException {
    var election = config.election();
    try (var conn = DriverManager.getConnection(config.jdbcUrl(), config.pgUser(), config.pgPassword())) {
      conn.setAutoCommit(false);
      try (var lock = conn.prepareStatement(Sql.LOCK_ROLL); var count = conn.prepareStatement(Sql.COUNT_ROLL)) {
        lock.setString(1, election.id());
        lock.execute();
        count.setString(1, election.id());
        try (var rs = count.executeQuery()) {
          rs.next();
          if (rs.getLong(1) > 0) {
            conn.rollback();
            return rs.getLong(1);
          }
        }
      }
      var copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(Sql.COPY_ROLL);
      var chunk = new StringBuilder(COPY_CHUNK + 64);
      long rows = 0;
      for (Election.State state : election.states()) {
        for (var county : state.counties()) {
          for (int serial = 1; serial <= county.voters(); serial++) {
            chunk.append(election.id()).append(',').append(VoterId.of(state.code(), county.fips(), serial).value())
                .append(',').append(state.code()).append(',').append(county.fips()).append('\n');
            rows++;
            if (chunk.length() >= COPY_CHUNK) {
              write(copy, chunk);
            }
          }
        }
      }
      write(copy, chunk);
      copy.endCopy();
      conn.commit();
      LOG.info("loaded the roll of {}: {} voters", election.id(), rows);
      return rows;
    }
  }

  private static void write(org.postgresql.copy.CopyIn copy, StringBuilder chunk) throws SQLException {
    var bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(bytes, 0, bytes.length);
    chunk.setLength(0);
  }
}
