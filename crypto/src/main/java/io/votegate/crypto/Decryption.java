package io.votegate.crypto;

import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Combines k guardians' verified partial decryptions of a ciphertext (A, B) into its plaintext t. With the set S of
 * guardians that answered, each share is weighted by its Lagrange coefficient at 0, w_ℓ = Π_{m∈S, m≠ℓ} m / (m − ℓ)
 * mod q, so that M = Σ_ℓ w_ℓ·M_ℓ = s·A for the joint secret s that nobody holds; then B − M = t·K and t is found
 * from the last value known ({@link DiscreteLog}). Fewer than k shares give a wrong M, and no t in range is found.
 */
public final class Decryption {
  private Decryption() {}

  /** The Lagrange coefficients at 0 of the guardians in {@code indexes}. */
  public static Map<Integer, BigInteger> lagrange(Set<Integer> indexes) {
    var q = Group.P256.order();
    var weights = new HashMap<Integer, BigInteger>();
    for (int l : indexes) {
      var numerator = BigInteger.ONE;
      var denominator = BigInteger.ONE;
      for (int m : indexes) {
        if (m != l) {
          numerator = numerator.multiply(BigInteger.valueOf(m)).mod(q);
          denominator = denominator.multiply(BigInteger.valueOf(m - l)).mod(q);
        }
      }
      weights.put(l, numerator.multiply(denominator.modInverse(q)).mod(q));
    }
    return weights;
  }

  /** t·K for a ciphertext and the partial decryptions of a set of guardians (one each, verified by the caller). */
  public static ECPoint combine(Ciphertext ciphertext, List<PartialDecryption> shares, Map<Integer, BigInteger> weights) {
    var m = Group.P256.identity();
    for (var share : shares) {
      var weight = weights.get(share.guardian());
      if (weight == null) {
        throw new IllegalArgumentException("guardian " + share.guardian() + " is not among the weights");
      }
      m = m.add(share.share().multiply(weight));
    }
    return ciphertext.beta().subtract(m).normalize();
  }
}
