package io.votegate.model;

import com.ethlo.time.ITU;

import java.text.ParsePosition;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Instants as the records carry them: RFC 3339 in UTC, as {@link Instant#toString()} writes them. Read with ITU
 * rather than {@link Instant#parse}, whose general formatter (a map of fields, then resolving them) was a fifth of the
 * decision loop's CPU and a quarter of the tally reader's: every ballot carries one.
 */
public final class Instants {
  private Instants() {}

  /** One second's text up to its fraction, shared by every thread: replaced as a whole, read without a lock. */
  private record Second(long epochSecond, String upToFraction) {}

  private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  /**
   * Exactly what {@link Instant#toString()} writes, but its formatter only once a second: the second's text is kept,
   * and only the fraction is written each time (158-183 ns an instant by the formatter; the gateway writes one into
   * every ballot).
   */
  public static String format(Instant instant) {
    var second = lastSecond;
    if (second.epochSecond() != instant.getEpochSecond()) {
      var whole = Instant.ofEpochSecond(instant.getEpochSecond()).toString(); // no fraction: ends in "Z"
      second = new Second(instant.getEpochSecond(), whole.substring(0, whole.length() - 1));
      lastSecond = second;
    }
    int nano = instant.getNano();
    if (nano == 0) {
      return second.upToFraction() + 'Z';
    }
    // As ISO_INSTANT: the fewest of 3, 6 or 9 digits that hold the fraction exactly.
    int digits = nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    var fraction = Integer.toString(digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1_000 : nano);
    var text = new StringBuilder(second.upToFraction().length() + 11).append(second.upToFraction()).append('.');
    for (int pad = fraction.length(); pad < digits; pad++) {
      text.append('0');
    }
    return text.append(fraction).append('Z').toString();
  }

  /** The instant {@code text} names; a {@link DateTimeException} if it is not RFC 3339 through to its end. */
  public static Instant parse(String text) {
    var position = new ParsePosition(0);
    var instant = ITU.parseDateTime(text, position).toInstant();
    if (position.getIndex() != text.length()) {
      throw new DateTimeException("not an instant, text after it: " + text);
    }
    return instant;
  }
}
