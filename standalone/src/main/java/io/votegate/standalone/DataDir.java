package io.votegate.standalone;

import io.votegate.model.Election;
import io.votegate.model.Keys;
import io.votegate.model.VoterCard;
import io.votegate.model.VoterCodes;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;

/**
 * The standalone system's data directory ({@code .votegate/} by default): the election's keys and start, generated
 * once, and the data of Kafka, PostgreSQL and Redis. Everything needed to stop and start again without losing a vote.
 */
final class DataDir {
  /** us-2020 at scale 1 is a roll of 158 million: a laptop runs it at 1/1000 unless told otherwise. */
  static final Map<String, Double> DEFAULT_SCALES = Map.of("us-2020", 0.001);

  private final Path root;

  DataDir(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  Path kafka() {
    return root.resolve("kafka");
  }

  Path postgres() {
    return root.resolve("postgres");
  }

  Path redis() {
    return root.resolve("redis");
  }

  Path cards(String electionId) {
    return root.resolve("cards-" + electionId + ".csv");
  }

  boolean exists() {
    return Files.isRegularFile(root.resolve("election.properties"));
  }

  /** Which election a data directory holds, at what scale, and when its polls opened. */
  record StoredElection(String name, double scale, Instant start) {
    Election load() {
      return Election.load(name, start).scaled(scale);
    }
  }

  /**
   * The election this directory holds: chosen by the first run ({@code demo} unless asked otherwise), then fixed;
   * asking a later run for another election or scale is an error, not a silent switch.
   */
  StoredElection election(String requested, Double scale) throws IOException {
    var file = root.resolve("election.properties");
    var props = read(file);
    // A definition file is kept by its absolute path: a later run may start from another directory.
    if (requested != null && java.nio.file.Files.isRegularFile(Path.of(requested))) {
      requested = Path.of(requested).toAbsolutePath().normalize().toString();
    }
    if (props.isEmpty()) {
      var name = requested == null ? "demo" : requested;
      var chosen = new StoredElection(name, scale != null ? scale : DEFAULT_SCALES.getOrDefault(name, 1.0),
          Instant.now());
      chosen.load(); // an unknown election or a bad scale fails here, before anything is written
      props.setProperty("election", chosen.name());
      props.setProperty("scale", String.valueOf(chosen.scale()));
      props.setProperty("start", chosen.start().toString());
      write(file, props, "The election this data directory holds, and when its polls opened.");
      return chosen;
    }
    var stored = storedElection();
    if ((requested != null && !stored.name().equals(requested)) || (scale != null && stored.scale() != scale)) {
      throw new IllegalArgumentException(root + " holds election '" + stored.name() + "' at scale " + stored.scale()
          + "; use another --data directory for another election or scale");
    }
    return stored;
  }

  /** The election already stored here; an error if there is none yet. */
  StoredElection storedElection() throws IOException {
    var props = read(root.resolve("election.properties"));
    if (props.isEmpty()) {
      throw new IllegalStateException("no election in " + root + " yet: run ./votegate up first");
    }
    return new StoredElection(props.getProperty("election"), Double.parseDouble(props.getProperty("scale")),
        Instant.parse(props.getProperty("start")));
  }

  Properties keys() throws IOException {
    var file = root.resolve("keys.properties");
    var props = read(file);
    if (props.isEmpty()) {
      props.setProperty("VOTEGATE_ROLL_KEY", Keys.generate());
      props.setProperty("VOTEGATE_TOKEN_KEY", Keys.generate());
      props.setProperty("VOTEGATE_RECEIPT_KEY", Keys.generate());
      write(file, props, "Secrets of this election. Anyone with the roll key can mint voter cards: keep it private.");
    }
    if (!props.containsKey("VOTEGATE_OPERATOR_KEY")) { // a directory from before the day's controls gets its pair now
      var pair = io.votegate.model.ControlCommand.newKeyPair();
      props.setProperty("VOTEGATE_OPERATOR_KEY", pair[0]);
      props.setProperty("VOTEGATE_OPERATOR_PUBLIC_KEY", pair[1]);
      write(file, props, "Secrets of this election. Anyone with the roll key can mint voter cards, anyone with the "
          + "operator key can change the day's poll windows and revoke cards: keep them private.");
    }
    return props;
  }

  void writeCards(Election election) throws IOException {
    var file = cards(election.id());
    if (Files.exists(file)) {
      return;
    }
    var codes = codes();
    var tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (BufferedWriter out = Files.newBufferedWriter(tmp)) {
      out.write(VoterCard.CSV_HEADER);
      out.newLine();
      for (var card : (Iterable<VoterCard>) VoterCard.roll(election, codes)::iterator) {
        out.write(card.csv());
        out.newLine();
      }
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  void printCards(PrintStream out, String state, long limit) throws IOException {
    var election = storedElection().load();
    var codes = codes();
    out.println(VoterCard.CSV_HEADER);
    VoterCard.roll(election, codes).filter(c -> state == null || c.state().equals(state)).limit(limit)
        .forEach(c -> out.println(c.csv()));
  }

  /** The card codes of this directory's roll key; never a new key, which would print cards that sign no one in. */
  VoterCodes codes() throws IOException {
    var roll = read(root.resolve("keys.properties")).getProperty("VOTEGATE_ROLL_KEY");
    if (roll == null) {
      throw new IllegalStateException("no keys in " + root + " yet: run ./votegate up first");
    }
    return new VoterCodes(Base64.getDecoder().decode(roll));
  }

  private static Properties read(Path file) throws IOException {
    var props = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newBufferedReader(file)) {
        props.load(in);
      }
    }
    return props;
  }

  private void write(Path file, Properties props, String comment) throws IOException {
    Files.createDirectories(root);
    var tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (var out = Files.newBufferedWriter(tmp)) {
      props.store(out, comment);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
