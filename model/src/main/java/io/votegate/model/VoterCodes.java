package io.votegate.model;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The code printed on a voter card: a truncated HMAC of (election, voter ID) under the roll key, written in
 * Crockford base32 so that a person can type it. Checking a code needs the key, not a lookup.
 */
public final class VoterCodes {
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  /** 10 characters of 5 bits: 50 bits, far beyond what the sign-in rate limits let anyone guess. */
  public static final int LENGTH = 10;

  private final Crypto.Hmac hmac;

  public VoterCodes(byte[] rollKey) {
    this.hmac = new Crypto.Hmac(rollKey);
  }

  public String codeFor(String electionId, String voterId) {
    var mac = hmac.of(electionId.getBytes(StandardCharsets.UTF_8), new byte[] {0},
        voterId.getBytes(StandardCharsets.UTF_8));
    var code = new StringBuilder(LENGTH);
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (mac[i] & 0xff);
    }
    for (int i = 0; i < LENGTH; i++) {
      code.append(ALPHABET.charAt((int) ((bits >>> (64 - 5 * (i + 1))) & 31)));
    }
    return code.toString();
  }

  /** Constant-time check; tolerates the dashes, spaces and lower case a person may type. */
  public boolean matches(String electionId, String voterId, String typed) {
    if (typed == null || typed.length() > 64) {
      return false;
    }
    var normalized = typed.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT)
        .replace('O', '0').replace('I', '1').replace('L', '1');
    var expected = codeFor(electionId, voterId);
    return Crypto.same(expected.getBytes(StandardCharsets.US_ASCII), normalized.getBytes(StandardCharsets.US_ASCII));
  }
}
