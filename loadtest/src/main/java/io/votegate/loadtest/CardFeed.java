package io.votegate.loadtest;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Voter cards as a Gatling feeder: each card once, streamed from a cards CSV with the states taking turns, in the
 * shape a feeder gives its virtual users ({@code voterId}, {@code code}, {@code state}, {@code county}).
 */
public final class CardFeed implements Iterator<Map<String, Object>>, AutoCloseable {
  private final VoterCards cards;
  private final Predicate<String> states;
  private Map<String, Object> next;

  private CardFeed(VoterCards cards, Predicate<String> states) {
    this.cards = cards;
    this.states = states;
    advance();
  }

  /**
   * The cards of {@code csv} whose state passes {@code states} (null: every state), after the first {@code skip} of
   * the whole stream: feeds of different states with one skip leave out the same voters, those a run before used.
   */
  public static CardFeed of(Path csv, Predicate<String> states, long skip) {
    var cards = VoterCards.open(csv);
    for (long i = 0; i < skip && cards.hasNext(); i++) {
      cards.next();
    }
    return new CardFeed(cards, states == null ? s -> true : states);
  }

  /** How many cards each state has in {@code csv}, read in one pass. */
  public static Map<String, Long> perState(Path csv) {
    return VoterCards.perState(csv);
  }

  private void advance() {
    next = null;
    while (next == null && cards.hasNext()) {
      var card = cards.next();
      if (states.test(card.state())) {
        next = Map.of("voterId", card.voterId(), "code", card.code(), "state", card.state(), "county", card.county());
      }
    }
    if (next == null) {
      cards.close();
    }
  }

  /** Closes the file before the last card (after it, the feed has closed it already). */
  @Override
  public synchronized void close() {
    next = null;
    cards.close();
  }

  @Override
  public synchronized boolean hasNext() {
    return next != null;
  }

  @Override
  public synchronized Map<String, Object> next() {
    if (next == null) {
      throw new NoSuchElementException("no voter card left: use a larger roll or a lower rate");
    }
    var card = next;
    advance();
    return card;
  }
}
