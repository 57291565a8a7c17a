package io.votegate.crypto;

import io.vertx.core.json.JsonObject;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Guardian ℓ's share of a decryption of (A, B): M_ℓ = P(ℓ)·A, and a Chaum-Pedersen proof that the same P(ℓ) is behind
 * its verification key K_ℓ = P(ℓ)·G and behind M_ℓ: for a random u, a = u·G and b = u·A; the challenge
 * c = H(H_E; 0x3A, ℓ, K_ℓ, A, B, a, b, M_ℓ); the response v = u − c·P(ℓ) mod q. A verifier recomputes
 * a = v·G + c·K_ℓ and b = v·A + c·M_ℓ and checks the challenge: a share computed with any other secret fails.
 */
public record PartialDecryption(int guardian, ECPoint share, BigInteger challenge, BigInteger response) {

  static PartialDecryption of(int guardian, BigInteger secret, ECPoint verificationKey, Ciphertext ciphertext,
                              byte[] extendedHash, SecureRandom random) {
    var group = Group.P256;
    var a = ciphertext.alpha();
    var m = a.multiply(secret).normalize();
    var u = group.randomScalar(random);
    var commitA = group.timesG(u);
    var commitB = a.multiply(u);
    var c = group.scalarOf(Hash.of(extendedHash, Hash.SHARE_PROOF, guardian, verificationKey, a, ciphertext.beta(),
        commitA, commitB, m));
    return new PartialDecryption(guardian, m, c, group.mod(u.subtract(c.multiply(secret))));
  }

  /** Whether this is guardian ℓ's true share of {@code ciphertext}'s decryption, under {@code verificationKey}. */
  public boolean verifies(Ciphertext ciphertext, ECPoint verificationKey, byte[] extendedHash) {
    var group = Group.P256;
    if (share.isInfinity() || challenge.signum() < 0 || challenge.compareTo(group.order()) >= 0
        || response.signum() < 0 || response.compareTo(group.order()) >= 0) {
      return false;
    }
    var a = ciphertext.alpha();
    var commitA = ECAlgorithms.sumOfTwoMultiplies(group.generator(), response, verificationKey, challenge);
    var commitB = ECAlgorithms.sumOfTwoMultiplies(a, response, share, challenge);
    if (commitA.isInfinity() || commitB.isInfinity()) {
      return false;
    }
    return challenge.equals(group.scalarOf(Hash.of(extendedHash, Hash.SHARE_PROOF, guardian, verificationKey, a,
        ciphertext.beta(), commitA, commitB, share)));
  }

  public JsonObject toJson() {
    return new JsonObject().put("guardian", guardian).put("share", Hex.point(share))
        .put("challenge", Hex.scalar(challenge)).put("response", Hex.scalar(response));
  }

  public static PartialDecryption fromJson(JsonObject json) {
    return new PartialDecryption(json.getInteger("guardian"), Hex.toPoint(json.getString("share")),
        Hex.toScalar(json.getString("challenge")), Hex.toScalar(json.getString("response")));
  }
}
