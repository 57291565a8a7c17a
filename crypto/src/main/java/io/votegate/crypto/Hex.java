package io.votegate.crypto;

import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;

/** Lowercase hex, as the public records (the election key, decryptions) write points, scalars and hashes. */
final class Hex {
  private Hex() {}

  static String point(ECPoint point) {
    return bytes(Group.P256.encode(point.normalize()));
  }

  static ECPoint toPoint(String hex) {
    return Group.P256.decode(toBytes(hex));
  }

  static String scalar(BigInteger k) {
    return bytes(Group.P256.scalarBytes(k));
  }

  static BigInteger toScalar(String hex) {
    return Group.P256.scalar(toBytes(hex));
  }

  static String bytes(byte[] bytes) {
    return org.bouncycastle.util.encoders.Hex.toHexString(bytes);
  }

  static byte[] toBytes(String hex) {
    if (hex == null || !hex.matches("[0-9a-f]*") || hex.length() % 2 != 0) {
      throw new IllegalArgumentException("not lowercase hex of whole bytes");
    }
    return org.bouncycastle.util.encoders.Hex.decode(hex);
  }
}
