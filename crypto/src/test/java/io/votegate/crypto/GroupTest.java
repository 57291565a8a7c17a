package io.votegate.crypto;

import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The group and its encodings against published values (the P-256 generator of SEC 2, a point from NIST's P-256
 * test vectors, HMAC-SHA-256 from RFC 4231), the fixed-base tables against Bouncy Castle's own multiplication, and
 * every point a decoder must refuse.
 */
class GroupTest {
  private static final HexFormat HEX = HexFormat.of();
  private final Group group = Group.P256;

  @Test
  void theGeneratorAndOrderAreSec2s() {
    assertEquals("036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
        HEX.formatHex(group.compressed(group.generator())));
    assertEquals(new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16), group.order());
  }

  @Test
  void kTimesGMatchesNistsP256Vectors() {
    // NIST's point-multiplication vectors for P-256: k = 2 and k = 112233445566778899.
    var twoG = group.timesG(BigInteger.TWO).normalize();
    assertEquals(new BigInteger("7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978", 16),
        twoG.getAffineXCoord().toBigInteger());
    var k = group.timesG(new BigInteger("112233445566778899")).normalize();
    assertEquals(new BigInteger("339150844ec15234807fe862a86be77977dbfb3ae3d96f4c22795513aeaab82f", 16),
        k.getAffineXCoord().toBigInteger());
    assertEquals(new BigInteger("b1c14ddfdc8ec1b2583f51e85a5eb3a155840f2034730e9b5ada38b674336a21", 16),
        k.getAffineYCoord().toBigInteger());
  }

  @Test
  void theFixedBaseTableAgreesWithBouncyCastlesMultiplication() {
    var random = new SecureRandom();
    var q = group.order();
    for (var k : List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(255), BigInteger.valueOf(256),
        q.subtract(BigInteger.ONE), q, q.add(BigInteger.ONE), BigInteger.TWO.pow(255), BigInteger.TWO.pow(256).subtract(BigInteger.ONE))) {
      assertEquals(group.generator().multiply(k.mod(q)), group.timesG(k), "k = " + k);
    }
    for (int i = 0; i < 200; i++) {
      var k = new BigInteger(256, random);
      assertEquals(group.generator().multiply(k.mod(q)), group.timesG(k));
    }
  }

  @Test
  void aPointRoundTripsAndEverythingElseIsRefused() {
    var p = group.timesG(BigInteger.valueOf(12345)).normalize();
    assertEquals(p, group.decode(group.encode(p)));
    assertThrows(IllegalArgumentException.class, () -> group.decode(group.compressed(p)), "compressed");
    var offCurve = group.encode(p);
    offCurve[64] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> group.decode(offCurve), "off the curve");
    var hybrid = group.encode(p);
    hybrid[0] = 0x06;
    assertThrows(IllegalArgumentException.class, () -> group.decode(hybrid), "hybrid form");
    assertThrows(IllegalArgumentException.class, () -> group.decode(new byte[] {0}), "the identity");
    var beyond = new byte[65];
    beyond[0] = 4;
    java.util.Arrays.fill(beyond, 1, 33, (byte) 0xff); // x = 2^256 − 1, not a field element
    assertThrows(IllegalArgumentException.class, () -> group.decode(beyond), "a coordinate beyond p");
    assertThrows(IllegalArgumentException.class, () -> group.encode(group.identity()));
    assertThrows(IllegalArgumentException.class, () -> group.scalar(group.scalarBytes(group.order())));
  }

  @Test
  void theHashIsHmacSha256AsRfc4231Publishes() {
    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", HEX.formatHex(
        Hash.hmac("Jefe".getBytes(StandardCharsets.US_ASCII),
            "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void hashPartsAreWrittenInTheirDocumentedForms() {
    var key = new byte[32];
    var g = group.generator();
    var expected = new java.io.ByteArrayOutputStream();
    expected.write(0x24);
    expected.writeBytes(group.compressed(g));
    expected.writeBytes(group.scalarBytes(BigInteger.TEN));
    expected.writeBytes(new byte[] {0, 0, 1, 2});
    expected.writeBytes(new byte[] {0, 0, 0, 2, 'h', 'i'});
    expected.writeBytes(new byte[] {7, 7});
    assertArrayEquals(Hash.hmac(key, expected.toByteArray()),
        Hash.of(key, (byte) 0x24, g, BigInteger.TEN, 258, "hi", new byte[] {7, 7}));
  }

  @Test
  void ciphertextsAddUp() {
    var random = new SecureRandom();
    var secret = group.randomScalar(random);
    var k = group.timesG(secret);
    var record = new GuardianRecord(1, List.of(k), List.of(SchnorrProof.prove(secret, k, 1, 0,
        ElectionKey.groupHash(), random)));
    var key = ElectionKey.of(new byte[] {1}, 1, 1, List.of(record));
    var sum = Ciphertext.ZERO;
    for (int v : new int[] {1, 1, 0, 1}) {
      sum = sum.plus(Ciphertext.encrypt(v, group.randomScalar(random), key));
    }
    // With the whole secret (one guardian, quorum one): β − s·α = 3·K.
    ECPoint t = sum.beta().subtract(sum.alpha().multiply(secret));
    assertEquals(key.timesK(BigInteger.valueOf(3)), t);
    var found = new DiscreteLog(key).find(t, 0, group.identity(), 3);
    assertEquals(3, found.getAsLong());
    assertTrue(new DiscreteLog(key).find(t, 0, group.identity(), 2).isEmpty(), "beyond the span: not found");
    // A large span, searched by baby-step giant-step, from a known value.
    var big = key.timesK(BigInteger.valueOf(123_456));
    assertEquals(123_456, new DiscreteLog(key).find(big, 100_000, key.timesK(BigInteger.valueOf(100_000)), 50_000)
        .getAsLong());
    assertEquals(123_456, new DiscreteLog(key).find(big, 0, group.identity(), 200_000).getAsLong());
  }
}
