package io.votegate.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InstantsTest {

  @Test
  void readsWhatInstantWritesAsInstantDoes() {
    var random = new Random(7);
    var now = Instant.now();
    for (int i = 0; i < 100_000; i++) {
      // Every shape Instant.toString gives: whole seconds, and 3, 6 or 9 digits of fraction.
      var instant = Instant.ofEpochSecond(random.nextLong(0, 253_402_300_799L), random.nextInt(1_000_000_000))
          .truncatedTo(switch (i % 4) {
            case 0 -> ChronoUnit.SECONDS;
            case 1 -> ChronoUnit.MILLIS;
            case 2 -> ChronoUnit.MICROS;
            default -> ChronoUnit.NANOS;
          });
      assertEquals(instant, Instants.parse(instant.toString()), instant.toString());
    }
    assertEquals(now, Instants.parse(now.toString()));
    assertEquals(now.truncatedTo(ChronoUnit.HOURS), Instants.parse(now.truncatedTo(ChronoUnit.HOURS).toString()));
    assertEquals(Instant.EPOCH, Instants.parse("1970-01-01T00:00:00Z"));
  }

  @Test
  void writesWhatInstantWrites() {
    var random = new Random(11);
    var second = Instant.now().getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      // Mostly within a few seconds, as a running gateway formats them; now and then any second of years 0 to 9999.
      second = i % 100 == 0 ? random.nextLong(-62_167_219_200L, 253_402_300_799L) : second + random.nextInt(2);
      var instant = Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)).truncatedTo(switch (i % 4) {
        case 0 -> ChronoUnit.SECONDS;
        case 1 -> ChronoUnit.MILLIS;
        case 2 -> ChronoUnit.MICROS;
        default -> ChronoUnit.NANOS;
      });
      assertEquals(instant.toString(), Instants.format(instant));
    }
    for (var edge : new Instant[] {Instant.EPOCH, Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(-1, 999_999_999),
        Instant.ofEpochSecond(0, 10_000), Instant.ofEpochSecond(0, 100_000_000), Instant.MAX, Instant.MIN,
        Instant.parse("+10000-01-01T00:00:00.5Z")}) {
      assertEquals(edge.toString(), Instants.format(edge));
    }
  }

  @Test
  void anOffsetOrRfc3339sSpaceNamesTheSameInstant() {
    assertEquals(Instant.parse("2026-11-03T23:00:00Z"), Instants.parse("2026-11-03T18:00:00-05:00"));
    assertEquals(Instant.parse("2026-11-03T23:00:00Z"), Instants.parse("2026-11-03 23:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "2026-11-03", "2026-11-03T18:00:00", "2026-13-03T18:00:00Z",
      "2026-02-30T18:00:00Z", "2026-11-03T25:00:00Z", "2026-11-03T18:00:00.Z",
      "2026-11-03T18:00:00Z trailing", "2026-11-03T18:00:00ZZ"})
  void refusesWhatIsNotAnInstant(String text) {
    assertThrows(DateTimeException.class, () -> Instants.parse(text));
  }
}
