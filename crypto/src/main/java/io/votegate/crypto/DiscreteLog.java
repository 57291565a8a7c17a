package io.votegate.crypto;

import org.bouncycastle.math.ec.ECPoint;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.OptionalLong;

/**
 * The count t behind t·K, searched where it can be: a count only grows, by at most the ballots added since it was last
 * known. So the search starts from the last known value (and its point) and covers a span no wider than those
 * ballots: step by step over a small span, baby-step giant-step (about 2·√span additions) over a large one. A value
 * outside the span is not found: the aggregate then holds something no valid set of ballots can sum to.
 */
public final class DiscreteLog {
  private static final int STEP_LIMIT = 256;
  private final ElectionKey key;

  public DiscreteLog(ElectionKey key) {
    this.key = key;
  }

  /** t in [from, from + span] with t·K = {@code target}, given {@code atFrom} = from·K; empty if there is none. */
  public OptionalLong find(ECPoint target, long from, ECPoint atFrom, long span) {
    var k = key.jointKey();
    var difference = target.subtract(atFrom).normalize();
    if (difference.isInfinity()) {
      return OptionalLong.of(from);
    }
    if (span <= STEP_LIMIT) {
      var point = k;
      for (long d = 1; d <= span; d++) {
        if (point.equals(difference)) {
          return OptionalLong.of(from + d);
        }
        point = point.add(k);
      }
      return OptionalLong.empty();
    }
    int m = (int) Math.ceil(Math.sqrt(span + 1.0));
    var baby = new ECPoint[m];
    baby[0] = k;
    for (int j = 1; j < m; j++) {
      baby[j] = baby[j - 1].add(k);
    }
    Group.P256.normalize(baby);
    var table = new HashMap<ByteBuffer, Integer>(m * 2);
    for (int j = 0; j < m; j++) {
      table.put(ByteBuffer.wrap(baby[j].getEncoded(true)), j + 1); // baby[j] = (j + 1)·K
    }
    var giantStep = key.timesK(java.math.BigInteger.valueOf(m)).negate();
    var point = difference;
    for (long i = 0; i * m <= span; i++) {
      if (point.isInfinity()) {
        return i * m <= span ? OptionalLong.of(from + i * m) : OptionalLong.empty();
      }
      var j = table.get(ByteBuffer.wrap(point.getEncoded(true)));
      if (j != null && i * m + j <= span) {
        return OptionalLong.of(from + i * m + j);
      }
      point = point.add(giantStep).normalize();
    }
    return OptionalLong.empty();
  }
}
