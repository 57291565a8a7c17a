package io.votegate.model;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The three secrets of an election: the roll key (voter-card codes), the token key (sessions) and the receipt key.
 * Each is at least 32 random bytes, given base64-encoded.
 */
public record Keys(byte[] roll, byte[] token, byte[] receipt) {

  public Keys {
    for (var key : new byte[][] {roll, token, receipt}) {
      if (key == null || key.length < 32) {
        throw new IllegalArgumentException("every key must be at least 32 bytes");
      }
    }
  }

  public static Keys fromBase64(String roll, String token, String receipt) {
    var decoder = Base64.getDecoder();
    return new Keys(decoder.decode(roll.trim()), decoder.decode(token.trim()), decoder.decode(receipt.trim()));
  }

  public static String generate() {
    var bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
