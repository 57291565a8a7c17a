package io.votegate.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A voter ID that carries its state and county ({@code CA06037-00012345}), so the stateless gateway can route
 * a ballot and check its scope without a lookup.
 */
public record VoterId(String value, String state, String county, int serial) {

  private static final Pattern FORMAT = Pattern.compile("([A-Z]{2})(\\d{5})-(\\d{8})");

  public static Optional<VoterId> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    var m = FORMAT.matcher(value);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new VoterId(value, m.group(1), m.group(2), Integer.parseInt(m.group(3))));
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
