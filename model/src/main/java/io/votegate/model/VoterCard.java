package io.votegate.model;

import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A voter card: the voter ID and the code to sign in with. The roll of an election is generated from its definition
 * (each county's voter count) and the roll key, so the cards and the roll loaded into PostgreSQL always agree.
 */
public record VoterCard(String voterId, String code, String state, String county) {

  public static final String CSV_HEADER = "voterId,code,state,county";

  public String csv() {
    return voterId + "," + code + "," + state + "," + county;
  }

  public static Stream<VoterCard> roll(Election election, VoterCodes codes) {
    return election.states().stream().flatMap(state -> state.counties().stream().flatMap(county ->
        IntStream.rangeClosed(1, county.voters()).mapToObj(serial -> {
          var id = VoterId.of(state.code(), county.fips(), serial).value();
          return new VoterCard(id, codes.codeFor(election.id(), id), state.code(), county.fips());
        })));
  }
}
