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
import java.util.Properties;

/**
 * The standalone system's data directory ({@code .votegate/} by default): the election's keys and start, generated
 * once, and the data of Kafka, PostgreSQL and Redis. Everything needed to stop and start again without losing a vote.
 */
final class DataDir {
  /** us-2020 at scale 1 is a roll of 158 million: a laptop runs it at 1/1000 unless told otherwise. */
  static final java.util.Map<String, Double> DEFAULT_SCALES = java.util.Map.of("us-2020", 0.001);

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

  /** The election this directory holds; created on first use, refused if another election is asked for later. */
  Properties electionSettings(String requested, Double scale) throws IOException {
    var file = root.resolve("election.properties");
    var props = read(file);
    if (props.isEmpty()) {
      var election = requested == null ? "demo" : requested;
      var factor = scale != null ? scale : DEFAULT_SCALES.getOrDefault(election, 1.0);
      Election.load(election, Instant.now()).scaled(factor); // fail before writing anything
      props.setProperty("election", election);
      props.setProperty("scale", String.valueOf(factor));
      props.setProperty("start", Instant.now().toString());
      write(file, props, "The election this data directory holds, and when its polls opened.");
    } else if ((requested != null && !props.getProperty("election").equals(requested))
        || (scale != null && Double.parseDouble(props.getProperty("scale")) != scale)) {
      throw new IllegalStateException(root + " holds election '" + props.getProperty("election") + "' at scale "
          + props.getProperty("scale") + "; use another --data directory for another election or scale");
    }
    return props;
  }

  /** Reads the stored election without creating anything. */
  Election storedElection() throws IOException {
    var props = read(root.resolve("election.properties"));
    if (props.isEmpty()) {
      throw new IllegalStateException("no election in " + root + " yet: run ./votegate up first");
    }
    return Election.load(props.getProperty("election"), Instant.parse(props.getProperty("start")))
        .scaled(Double.parseDouble(props.getProperty("scale")));
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
    return props;
  }

  void writeCards(Election election) throws IOException {
    var file = cards(election.id());
    if (Files.exists(file)) {
      return;
    }
    var keys = keys();
    var codes = new VoterCodes(Base64.getDecoder().decode(keys.getProperty("VOTEGATE_ROLL_KEY")));
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
    var election = storedElection();
    var keys = read(root.resolve("keys.properties"));
    var codes = new VoterCodes(Base64.getDecoder().decode(keys.getProperty("VOTEGATE_ROLL_KEY")));
    out.println(VoterCard.CSV_HEADER);
    VoterCard.roll(election, codes).filter(c -> state == null || c.state().equals(state)).limit(limit)
        .forEach(c -> out.println(c.csv()));
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
