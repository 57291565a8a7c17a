package io.votegate.crypto;

import org.bouncycastle.math.ec.ECPoint;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * ElectionGuard's hash function H(B0; B1) = HMAC-SHA-256(B0, B1): the key B0 is a 32-byte base hash that binds the
 * value to an election (H_P, H_B or H_E), and B1 starts with a one-byte domain separator, then the parts, each in a
 * fixed form with nothing between them:
 * <ul>
 *   <li>a point: 33 bytes, SEC1 compressed;</li>
 *   <li>a scalar: 32 bytes, big-endian;</li>
 *   <li>an index or count: 4 bytes, big-endian;</li>
 *   <li>bytes (a hash, a nonce): as they are;</li>
 *   <li>text: its UTF-8 length in 4 bytes, then the UTF-8 bytes.</li>
 * </ul>
 * Every separator Votegate uses is a constant here: ElectionGuard 2.0's own where Votegate computes what
 * ElectionGuard does, and for Votegate's own, why it exists.
 */
public final class Hash {
  private Hash() {}

  /** H_P, the parameter base hash (on a curve as egk-ec has it: the curve's a, b, p, G and cofactor). */
  public static final byte PARAMETERS = 0x00;
  /** H_M, the manifest hash. */
  public static final byte MANIFEST = 0x01;
  /** H_B, the election base hash. */
  public static final byte ELECTION_BASE = 0x02;
  /** A Schnorr proof's challenge in the key ceremony. */
  public static final byte SCHNORR = 0x10;
  /** The key that encrypts a guardian's share for another guardian. */
  public static final byte SHARE_KEY = 0x11;
  /** H_E, the extended base hash. */
  public static final byte EXTENDED_BASE = 0x12;
  /** A selection's encryption nonce from the ballot nonce. */
  public static final byte SELECTION_NONCE = 0x20;
  /**
   * Votegate's own: a guardian's Chaum-Pedersen proof of its partial decryption. ElectionGuard 2.0 proves the
   * combined decryption in two rounds with the guardians (0x30); Votegate's guardians answer one request each, so each
   * share carries a proof of its own, which also names the guardian that cheated.
   */
  public static final byte SHARE_PROOF = 0x3A;

  /** H(key; separator, parts…). */
  public static byte[] of(byte[] key, byte separator, Object... parts) {
    var data = new ByteArrayOutputStream(64 + 40 * parts.length);
    data.write(separator);
    for (var part : parts) {
      write(data, part);
    }
    return hmac(key, data.toByteArray());
  }

  private static void write(ByteArrayOutputStream data, Object part) {
    if (part instanceof ECPoint point) {
      data.writeBytes(Group.P256.compressed(point));
    } else if (part instanceof BigInteger scalar) {
      data.writeBytes(Group.P256.scalarBytes(scalar));
    } else if (part instanceof Integer n) {
      if (n < 0) {
        throw new IllegalArgumentException("indexes and counts are not negative");
      }
      data.writeBytes(int4(n));
    } else if (part instanceof byte[] bytes) {
      data.writeBytes(bytes);
    } else if (part instanceof String text) {
      var utf8 = text.getBytes(StandardCharsets.UTF_8);
      data.writeBytes(int4(utf8.length));
      data.writeBytes(utf8);
    } else if (part instanceof Iterable<?> many) {
      many.forEach(p -> write(data, p));
    } else {
      throw new IllegalArgumentException("cannot hash a " + (part == null ? "null" : part.getClass().getName()));
    }
  }

  static byte[] int4(int n) {
    return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  public static byte[] hmac(byte[] key, byte[] data) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is part of every JDK", e);
    }
  }
}
