package io.votegate.crypto;

import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A guardian's key share P(ℓ), the secret it decrypts with, and the one thing a guardian keeps after the ceremony
 * (in its own secret, mode 0600). It decrypts only partially: M_ℓ = P(ℓ)·A for a ciphertext (A, B), with a proof;
 * any k of those combine into the plaintext ({@link Decryption}), fewer tell nothing.
 */
public final class KeyShare {
  private final int index;
  private final BigInteger secret;

  KeyShare(int index, BigInteger secret) {
    this.index = index;
    this.secret = secret;
  }

  public int index() {
    return index;
  }

  /** This guardian's partial decryption of each ciphertext, each with its Chaum-Pedersen proof. */
  public List<PartialDecryption> decrypt(List<Ciphertext> ciphertexts, ElectionKey key, SecureRandom random) {
    var verificationKey = key.verificationKey(index);
    if (!Group.P256.timesG(secret).equals(verificationKey)) {
      throw new CeremonyException("guardian " + index + "'s key share does not match the election key");
    }
    var out = new ArrayList<PartialDecryption>(ciphertexts.size());
    for (var ciphertext : ciphertexts) {
      out.add(PartialDecryption.of(index, secret, verificationKey, ciphertext, key.extendedHash(), random));
    }
    return out;
  }

  public JsonObject toJson() {
    return new JsonObject().put("index", index).put("keyShare", Hex.scalar(secret));
  }

  public static KeyShare fromJson(JsonObject json) {
    return new KeyShare(json.getInteger("index"), Hex.toScalar(json.getString("keyShare")));
  }
}
