package io.votegate.loadtest;

import io.votegate.model.VoterCard;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * The voter cards of a cards CSV ({@code voterId,code,state,county}, grouped by state as {@code ./votegate cards}
 * writes them), read as a stream in which the states take turns in proportion to their rolls, as on an election day
 * when every state votes at once. Memory is one reader per state, whatever the roll's size: a first pass finds where
 * each state's cards begin, then one cursor per state reads on from there.
 */
final class VoterCards implements Iterator<VoterCard>, Closeable {

  private static final class Cursor {
    final String state;
    final long total;
    final BufferedReader reader;
    long read;
    VoterCard next;

    Cursor(String state, long total, BufferedReader reader) {
      this.state = state;
      this.total = total;
      this.reader = reader;
    }

    /** How far through its roll this state is; the state furthest behind goes next. */
    double progress() {
      return (double) read / total;
    }
  }

  private final List<FileChannel> channels = new ArrayList<>();
  private final PriorityQueue<Cursor> turns = new PriorityQueue<>((a, b) -> {
    int byProgress = Double.compare(a.progress(), b.progress());
    return byProgress != 0 ? byProgress : a.state.compareTo(b.state);
  });
  private final long total;

  private VoterCards(Path csv) throws IOException {
    var blocks = blocks(csv);
    long sum = 0;
    for (var block : blocks.values()) {
      var channel = FileChannel.open(csv, StandardOpenOption.READ);
      channels.add(channel);
      channel.position(block.offset());
      var cursor = new Cursor(block.state(), block.cards(),
          new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8), 1 << 16));
      advance(cursor);
      if (cursor.next != null) {
        turns.add(cursor);
      }
      sum += block.cards();
    }
    total = sum;
  }

  static VoterCards open(Path csv) {
    try {
      return new VoterCards(csv);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read voter cards " + csv, e);
    }
  }

  /** How many cards each state has in {@code csv}, in the file's order: one pass, no cursor opened. */
  static Map<String, Long> perState(Path csv) {
    try {
      var counts = new LinkedHashMap<String, Long>();
      blocks(csv).forEach((state, block) -> counts.put(state, block.cards()));
      return counts;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read voter cards " + csv, e);
    }
  }

  /** How many cards the file holds. */
  long total() {
    return total;
  }

  @Override
  public boolean hasNext() {
    return !turns.isEmpty();
  }

  @Override
  public VoterCard next() {
    var cursor = turns.poll();
    if (cursor == null) {
      throw new NoSuchElementException();
    }
    var card = cursor.next;
    cursor.read++;
    advance(cursor);
    if (cursor.next != null) {
      turns.add(cursor);
    }
    return card;
  }

  private static void advance(Cursor cursor) {
    if (cursor.read >= cursor.total) {
      cursor.next = null;
      return;
    }
    try {
      var line = cursor.reader.readLine();
      cursor.next = line == null ? null : parse(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static VoterCard parse(String line) {
    var cells = line.split(",", -1);
    if (cells.length != 4) {
      throw new IllegalArgumentException("not a voter card line (voterId,code,state,county): " + line);
    }
    return new VoterCard(cells[0], cells[1], cells[2], cells[3]);
  }

  private record Block(String state, long offset, long cards) {}

  /** Where each state's cards begin in the file, and how many it has: one pass over the bytes (cards are ASCII). */
  private static Map<String, Block> blocks(Path csv) throws IOException {
    var blocks = new LinkedHashMap<String, Block>();
    try (var in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(csv), 1 << 16)) {
      var line = new StringBuilder();
      long offset = 0;
      long lineStart = 0;
      String state = null;
      long stateStart = 0;
      long count = 0;
      for (int b = in.read(); ; b = in.read()) {
        if (b != '\n' && b != -1) {
          line.append((char) b);
          offset++;
          continue;
        }
        offset++;
        if (lineStart == 0) {
          if (!line.toString().strip().equals(VoterCard.CSV_HEADER)) {
            throw new IllegalArgumentException(csv + " is not a cards CSV: its header is not " + VoterCard.CSV_HEADER);
          }
        } else if (!line.isEmpty()) {
          var cardState = parse(line.toString()).state();
          if (!cardState.equals(state)) {
            if (state != null) {
              blocks.put(state, new Block(state, stateStart, count));
            }
            if (blocks.containsKey(cardState)) {
              throw new IllegalArgumentException(csv + ": the cards of " + cardState + " are not together");
            }
            state = cardState;
            stateStart = lineStart;
            count = 0;
          }
          count++;
        }
        if (b == -1) {
          break;
        }
        line.setLength(0);
        lineStart = offset;
      }
      if (state != null) {
        blocks.put(state, new Block(state, stateStart, count));
      }
    }
    return blocks;
  }

  @Override
  public void close() {
    for (var channel : channels) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing a read-only file
      }
    }
  }
}
