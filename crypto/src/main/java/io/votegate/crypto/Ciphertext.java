package io.votegate.crypto;

import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;

/**
 * An exponential ElGamal ciphertext in ElectionGuard 2.0's form: the encryption of σ with nonce ξ under the joint
 * key K is (α, β) = (ξ·G, (ξ + σ)·K), the curve's spelling of (g^ξ, K^(ξ+σ)). Ciphertexts add: the sum of
 * encryptions of σ1 and σ2 is an encryption of σ1 + σ2, which is how the tally counts without opening a ballot.
 * The identity (the sum of no ciphertexts) is {@link #ZERO}.
 */
public record Ciphertext(ECPoint alpha, ECPoint beta) {

  public static final Ciphertext ZERO = new Ciphertext(Group.P256.identity(), Group.P256.identity());

  /** The homomorphic sum. */
  public Ciphertext plus(Ciphertext other) {
    return new Ciphertext(alpha.add(other.alpha), beta.add(other.beta));
  }

  /** Encrypts {@code sigma} (0 or 1 for a selection; any small count in a test) with nonce {@code xi}. */
  public static Ciphertext encrypt(int sigma, BigInteger xi, ElectionKey key) {
    if (sigma < 0) {
      throw new IllegalArgumentException("a vote is not negative");
    }
    if (xi.signum() <= 0 || xi.compareTo(Group.P256.order()) >= 0) {
      throw new IllegalArgumentException("a nonce lies in [1, q − 1]");
    }
    return new Ciphertext(Group.P256.timesG(xi), key.timesK(xi.add(BigInteger.valueOf(sigma))));
  }

  /** Both points in affine form, ready to encode; a sum of points is not until normalized. */
  public Ciphertext normalized() {
    return new Ciphertext(alpha.normalize(), beta.normalize());
  }

  public boolean isZero() {
    return alpha.isInfinity() && beta.isInfinity();
  }
}
