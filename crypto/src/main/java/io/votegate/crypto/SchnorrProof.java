package io.votegate.crypto;

import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * A guardian's proof that it knows the coefficient a behind its commitment K = a·G, without revealing it (ElectionGuard
 * 2.0's key-ceremony NIZK proof): h = u·G for a random u, the challenge c = H(H_P; 0x10, i, j, K, h), the response
 * v = u − c·a mod q. A verifier recomputes h = v·G + c·K and checks that it hashes to c: only someone who knows a can
 * answer a challenge fixed after h.
 */
public record SchnorrProof(BigInteger challenge, BigInteger response) {

  static SchnorrProof prove(BigInteger coefficient, ECPoint commitment, int guardian, int index, byte[] parameterHash,
                            SecureRandom random) {
    var group = Group.P256;
    var u = group.randomScalar(random);
    var h = group.timesG(u);
    var c = group.scalarOf(Hash.of(parameterHash, Hash.SCHNORR, guardian, index, commitment, h));
    return new SchnorrProof(c, group.mod(u.subtract(c.multiply(coefficient))));
  }

  /** Whether this proves knowledge of the coefficient behind {@code commitment}, guardian {@code guardian}'s j-th. */
  boolean verifies(ECPoint commitment, int guardian, int index, byte[] parameterHash) {
    var group = Group.P256;
    if (challenge.signum() < 0 || challenge.compareTo(group.order()) >= 0
        || response.signum() < 0 || response.compareTo(group.order()) >= 0) {
      return false;
    }
    var h = ECAlgorithms.sumOfTwoMultiplies(group.generator(), response, commitment, challenge);
    if (h.isInfinity()) {
      return false;
    }
    return challenge.equals(group.scalarOf(Hash.of(parameterHash, Hash.SCHNORR, guardian, index, commitment, h)));
  }
}
