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
public final class CardFeed implements Iterator<Map<String, Object>> {
  private final VoterCards cards;
  private final Predicate<String> states;
  private Map<String, Object> next;

  private CardFeed(VoterCards cards, Predicate<String> states) {
    this.cards = cards;
    this.states = states;
    advance();
  }

  /** The cards of {@code csv} whose state passes {@code states} (null: every state), after the first {@code skip}. */
  public static CardFeed of(Path csv, Predicate<String> states, long skip) {
    var feed = new CardFeed(VoterCards.open(csv), states == null ? s -> true : states);
    for (long i = 0; i < skip && feed.hasNext(); i++) {
      feed.next();
    }
    return feed;
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
