package io.votegate.crypto;

import io.vertx.core.json.JsonObject;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * A guardian's share P_i(ℓ) for guardian ℓ, encrypted so that whoever carries it (an operator, a shared folder)
 * learns nothing: ElectionGuard 2.0's hashed ElGamal. With a random nonce ξ: C0 = ξ·G; the shared point ξ·K_ℓ,0 and
 * both indexes give a key k = H(H_P; 0x11, i, ℓ, K_ℓ,0, C0, ξ·K_ℓ,0); from it an encryption key k1 and a MAC key k2
 * (HMAC of k over 0x01 or 0x02 ‖ "share_enc_keys" ‖ 0x00 ‖ b(i,4) ‖ b(ℓ,4) ‖ b(512,4), the NIST SP 800-108 counter
 * form ElectionGuard uses); C1 = b(P_i(ℓ), 32) ⊕ k1; C2 = HMAC(k2, C0 ‖ C1). Only guardian ℓ, who knows a_ℓ,0, can
 * recompute ξ·K_ℓ,0 = a_ℓ,0·C0; a share changed on the way fails its MAC.
 */
public record EncryptedShare(int sender, int recipient, ECPoint c0, byte[] c1, byte[] c2) {

  static EncryptedShare encrypt(int sender, GuardianRecord recipient, BigInteger share, SecureRandom random) {
    var group = Group.P256;
    var xi = group.randomScalar(random);
    var c0 = group.timesG(xi).normalize();
    var shared = recipient.publicKey().multiply(xi).normalize();
    var keys = keys(sender, recipient.index(), recipient.publicKey(), c0, shared);
    var c1 = xor(group.scalarBytes(share), keys[0]);
    return new EncryptedShare(sender, recipient.index(), c0, c1, mac(keys[1], c0, c1));
  }

  /** The share, with the recipient's secret a_ℓ,0 and public K_ℓ,0; refuses one whose MAC does not hold. */
  BigInteger decrypt(BigInteger secret, ECPoint publicKey) {
    var shared = c0.multiply(secret).normalize();
    var keys = keys(sender, recipient, publicKey, c0, shared);
    if (!MessageDigest.isEqual(mac(keys[1], c0, c1), c2)) {
      throw new CeremonyException("the share from guardian " + sender + " to guardian " + recipient
          + " was changed on the way, or is not for this guardian (its MAC does not hold)");
    }
    var value = new BigInteger(1, xor(c1, keys[0]));
    if (value.compareTo(Group.P256.order()) >= 0) {
      throw new CeremonyException("the share from guardian " + sender + " is not a scalar");
    }
    return value;
  }

  private static byte[][] keys(int sender, int recipient, ECPoint recipientKey, ECPoint c0, ECPoint shared) {
    var k = Hash.of(ElectionKey.groupHash(), Hash.SHARE_KEY, sender, recipient, recipientKey, c0, shared);
    return new byte[][] {kdf(k, 1, sender, recipient), kdf(k, 2, sender, recipient)};
  }

  private static byte[] kdf(byte[] key, int counter, int sender, int recipient) {
    var label = "share_enc_keys".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    var input = new java.io.ByteArrayOutputStream();
    input.write(counter);
    input.writeBytes(label);
    input.write(0);
    input.writeBytes(Hash.int4(sender));
    input.writeBytes(Hash.int4(recipient));
    input.writeBytes(Hash.int4(512));
    return Hash.hmac(key, input.toByteArray());
  }

  private static byte[] mac(byte[] key, ECPoint c0, byte[] c1) {
    var data = new java.io.ByteArrayOutputStream();
    data.writeBytes(Group.P256.compressed(c0));
    data.writeBytes(c1);
    return Hash.hmac(key, data.toByteArray());
  }

  private static byte[] xor(byte[] a, byte[] b) {
    var out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }

  public JsonObject toJson() {
    return new JsonObject().put("sender", sender).put("recipient", recipient).put("c0", Hex.point(c0))
        .put("c1", Hex.bytes(c1)).put("c2", Hex.bytes(c2));
  }

  public static EncryptedShare fromJson(JsonObject json) {
    return new EncryptedShare(json.getInteger("sender"), json.getInteger("recipient"), Hex.toPoint(json.getString("c0")),
        Hex.toBytes(json.getString("c1")), Hex.toBytes(json.getString("c2")));
  }
}
