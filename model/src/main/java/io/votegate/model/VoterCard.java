package io.votegate.model;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A voter card: the voter ID and the code to sign in with. The roll of an election is generated from its definition
 * (each county's voter count) and the roll key, so the cards and the roll loaded into PostgreSQL always agree.
 */
public record VoterCard(String voterId, String code, String state, String county) {

  public static final String CSV_HEADER = "voterId,code,state,county";

  public String csv() {
    return voterId + "," + code + "," + state + "," + county;
  }

  /**
   * Every card, state by state and county by county, each made when it is asked for. Not a {@code flatMap} of the
   * counties: a flat-mapped stream, read through its iterator, makes a whole state's cards at the first card asked
   * of it (1.75 million with their codes for California at scale 0.1), which stalled the bench's load generator for
   * seconds at each new state and filled the old generation until a full collection.
   */
  public static Stream<VoterCard> roll(Election election, VoterCodes codes) {
    var cards = new Iterator<VoterCard>() {
      private final Iterator<Election.State> states = election.states().iterator();
      private Iterator<Election.County> counties = Collections.emptyIterator();
      private Election.State state;
      private Election.County county;
      private int serial;

      @Override
      public boolean hasNext() {
        while (county == null || serial >= county.voters()) {
          if (counties.hasNext()) {
            county = counties.next();
            serial = 0;
          } else if (states.hasNext()) {
            state = states.next();
            counties = state.counties().iterator();
          } else {
            return false;
          }
        }
        return true;
      }

      @Override
      public VoterCard next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        var id = VoterId.of(state.code(), county.fips(), ++serial).value();
        return new VoterCard(id, codes.codeFor(election.id(), id), state.code(), county.fips());
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(cards, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }
}
