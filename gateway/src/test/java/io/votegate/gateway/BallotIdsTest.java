package io.votegate.gateway;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** Ballot IDs: random version-4 UUIDs, never repeated, within one loop's generator or across loops'. */
class BallotIdsTest {
  @Test
  void everyIdIsARandomUuidOfTheIetfVariant() {
    var ids = new BallotIds();
    for (int i = 0; i < 1_000; i++) {
      var id = ids.next();
      assertEquals(4, id.version(), id::toString);
      assertEquals(2, id.variant(), id::toString);
      assertEquals(id, UUID.fromString(id.toString())); // what the ballot record carries reads back the same
    }
  }

  @Test
  void noIdRepeatsAcrossManyDrawsNorAcrossLoops() {
    var seen = new HashSet<UUID>();
    var one = new BallotIds();
    var other = new BallotIds();
    for (int i = 0; i < 50_000; i++) { // about 200 draws of each generator
      assertTrue(seen.add(one.next()), "repeated after " + i);
      assertTrue(seen.add(other.next()), "repeated after " + i);
    }
  }

  @Test
  void eachRandomBitIsSetAboutHalfTheTime() {
    var ids = new BallotIds();
    int n = 20_000;
    var ones = new int[128];
    for (int i = 0; i < n; i++) {
      var id = ids.next();
      for (int bit = 0; bit < 64; bit++) {
        ones[bit] += (int) (id.getMostSignificantBits() >>> bit) & 1;
        ones[64 + bit] += (int) (id.getLeastSignificantBits() >>> bit) & 1;
      }
    }
    for (int bit = 0; bit < 128; bit++) {
      boolean fixed = (bit >= 12 && bit < 16) || bit == 126 || bit == 127; // version, variant
      if (!fixed) {
        // 20,000 fair coins: within 10,000 ± 500 (more than 7 standard deviations) unless the bytes are not random.
        assertTrue(Math.abs(ones[bit] - n / 2) < 500, "bit " + bit + " set " + ones[bit] + " times of " + n);
      }
    }
  }
}
