package io.votegate.model;

import java.util.Optional;

/**
 * A voter ID that carries its state and county ({@code CA06037-00012345}), so the stateless gateway can route
 * a ballot and check its scope without a lookup.
 */
public record VoterId(String value, String state, String county, int serial) {

  /**
   * Two capital letters (A–Z), five digits (0–9), a hyphen and eight digits, checked character by character: every
   * ballot's token names one, and a regular expression's matcher and groups cost more than the rest of the check.
   */
  public static Optional<VoterId> parse(String value) {
    if (value == null || value.length() != 16 || value.charAt(7) != '-') {
      return Optional.empty();
    }
    for (int i = 0; i < 16; i++) {
      char c = value.charAt(i);
      boolean ok = i < 2 ? c >= 'A' && c <= 'Z' : i == 7 || c >= '0' && c <= '9';
      if (!ok) {
        return Optional.empty();
      }
    }
    return Optional.of(new VoterId(value, value.substring(0, 2), value.substring(2, 7),
        Integer.parseInt(value, 8, 16, 10)));
  }

  /** Made for every voter of a roll (millions, at startup and in load generators): no format string parsed each time. */
  public static VoterId of(String state, String county, int serial) {
    var digits = Integer.toString(serial);
    var value = new StringBuilder(16).append(state).append(county).append('-');
    for (int pad = digits.length(); pad < 8; pad++) {
      value.append('0');
    }
    return new VoterId(value.append(digits).toString(), state, county, serial);
  }

  @Override
  public String toString() {
    return value;
  }
}
