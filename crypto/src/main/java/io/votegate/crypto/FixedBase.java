package io.votegate.crypto;

import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;

/**
 * Multiplication by one point that never changes (G, or the election's public key K), from a table computed once
 * with Bouncy Castle's additions: for each byte position i of the scalar, the multiples {@code d·256^i·P} for
 * d = 1…255, normalized to affine form. A product is then the sum of one table entry per non-zero byte: at most 32
 * mixed additions, where Bouncy Castle's own fixed-point comb does about 43 doublings and 43 additions. The table is
 * 8,160 points (a few MB), shared by every thread (points are immutable).
 *
 * <p>The entry read depends on the scalar's bytes, so its memory access pattern does: a process that shares a core's
 * cache with the sealer could learn about nonces from timing. Votegate's gateways run on nodes of their own (see
 * docs/security.md); Bouncy Castle's cache-safe lookups cost as much as its comb here.
 */
final class FixedBase {
  private static final int WINDOWS = 32;
  private final Group group;
  private final ECPoint[][] table = new ECPoint[WINDOWS][255];

  FixedBase(Group group, ECPoint base) {
    this.group = group;
    var all = new ECPoint[WINDOWS * 255];
    var windowBase = base;
    for (int i = 0; i < WINDOWS; i++) {
      var multiple = windowBase;
      for (int d = 0; d < 255; d++) {
        all[i * 255 + d] = multiple;
        multiple = multiple.add(windowBase);
      }
      windowBase = multiple; // 256 · windowBase
    }
    group.curve().normalizeAll(all);
    for (int i = 0; i < WINDOWS; i++) {
      System.arraycopy(all, i * 255, table[i], 0, 255);
    }
  }

  /** {@code k·P} for any scalar k (reduced mod q first); the identity for k ≡ 0. */
  ECPoint multiply(BigInteger k) {
    var bytes = group.scalarBytes(group.mod(k));
    var sum = group.identity();
    for (int i = 0; i < WINDOWS; i++) {
      int digit = bytes[WINDOWS - 1 - i] & 0xff;
      if (digit != 0) {
        sum = sum.add(table[i][digit - 1]);
      }
    }
    return sum;
  }
}
