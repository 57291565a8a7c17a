package io.votegate.crypto;

import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * The group every Votegate ciphertext, key and proof lives in: the points of NIST P-256 (secp256r1, as in egk-ec's
 * ElectionGuard on curves), with Bouncy Castle's arithmetic. Written additively: ElectionGuard's g^x is {@code x·G},
 * a product of elements is a sum of points. The order q is prime and the cofactor is 1, so every point on the curve
 * but the identity generates the group.
 *
 * <p>Encodings (each one documented in {@code docs/election-record.md}): a point is SEC1 uncompressed, 65 bytes
 * ({@code 04 ‖ x ‖ y}), wherever it is stored or sent, because decoding it needs no square root; inside a hash it is
 * SEC1 compressed, 33 bytes ({@code 02|03 ‖ x}); a scalar is 32 bytes, big-endian.
 */
public final class Group {
  public static final Group P256 = new Group("P-256", "secp256r1");

  private final String name;
  private final ECCurve curve;
  private final ECPoint generator;
  private final BigInteger order;
  private final FixedBase generatorTable;

  private Group(String name, String curveName) {
    var parameters = CustomNamedCurves.getByName(curveName);
    this.name = name;
    this.curve = parameters.getCurve();
    this.generator = parameters.getG().normalize();
    this.order = parameters.getN();
    this.generatorTable = new FixedBase(this, generator);
  }

  public String name() {
    return name;
  }

  ECCurve curve() {
    return curve;
  }

  /** G, the generator. */
  public ECPoint generator() {
    return generator;
  }

  /** q, the group's prime order: scalars live in Z_q. */
  public BigInteger order() {
    return order;
  }

  public ECPoint identity() {
    return curve.getInfinity();
  }

  /** {@code k·G}, from a precomputed table. */
  public ECPoint timesG(BigInteger k) {
    return generatorTable.multiply(k);
  }

  /** A uniformly random scalar in [1, q − 1]. */
  public BigInteger randomScalar(SecureRandom random) {
    return BigIntegers.createRandomInRange(BigInteger.ONE, order.subtract(BigInteger.ONE), random);
  }

  public BigInteger mod(BigInteger k) {
    return k.mod(order);
  }

  /** The 65-byte uncompressed SEC1 form; the identity cannot be encoded (no ciphertext or key is ever the identity). */
  public byte[] encode(ECPoint point) {
    if (point.isInfinity()) {
      throw new IllegalArgumentException("the identity has no encoding here");
    }
    return point.getEncoded(false);
  }

  /** The 33-byte compressed SEC1 form, as points enter hashes. */
  public byte[] compressed(ECPoint point) {
    if (point.isInfinity()) {
      throw new IllegalArgumentException("the identity has no encoding here");
    }
    return point.getEncoded(true);
  }

  /**
   * A point from its 65-byte uncompressed form, checked to be on the curve; refuses any other length, the compressed
   * and hybrid forms and the identity, so that an attacker cannot hand us a point off the curve or of small order.
   */
  public ECPoint decode(byte[] bytes, int offset) {
    if (bytes.length - offset < POINT_BYTES || bytes[offset] != 0x04) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    var x = new BigInteger(1, java.util.Arrays.copyOfRange(bytes, offset + 1, offset + 33));
    var y = new BigInteger(1, java.util.Arrays.copyOfRange(bytes, offset + 33, offset + 65));
    var field = curve.getField().getCharacteristic();
    if (x.compareTo(field) >= 0 || y.compareTo(field) >= 0) {
      throw new IllegalArgumentException("a coordinate is not a field element");
    }
    var point = curve.createPoint(x, y);
    if (!point.isValid()) {
      throw new IllegalArgumentException("the point is not on P-256");
    }
    return point;
  }

  public ECPoint decode(byte[] bytes) {
    if (bytes.length != POINT_BYTES) {
      throw new IllegalArgumentException("a point is " + POINT_BYTES + " bytes, not " + bytes.length);
    }
    return decode(bytes, 0);
  }

  /** A scalar's 32-byte big-endian form. */
  public byte[] scalarBytes(BigInteger k) {
    return BigIntegers.asUnsignedByteArray(SCALAR_BYTES, k);
  }

  /** A scalar from 32 big-endian bytes; refuses a value not below q (a proof's response, say, must be reduced). */
  public BigInteger scalar(byte[] bytes) {
    if (bytes.length != SCALAR_BYTES) {
      throw new IllegalArgumentException("a scalar is " + SCALAR_BYTES + " bytes, not " + bytes.length);
    }
    var k = new BigInteger(1, bytes);
    if (k.compareTo(order) >= 0) {
      throw new IllegalArgumentException("a scalar must be below the group order");
    }
    return k;
  }

  /** A hash read as a scalar: its 32 bytes as a big-endian number, reduced mod q (as egk-ec does). */
  public BigInteger scalarOf(byte[] hash) {
    return new BigInteger(1, hash).mod(order);
  }

  /** Normalizes many points at once (one field inversion for all), so that each encodes without one of its own. */
  public void normalize(ECPoint[] points) {
    curve.normalizeAll(points);
  }

  public static final int POINT_BYTES = 65;
  public static final int SCALAR_BYTES = 32;
}
