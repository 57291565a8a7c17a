package io.votegate.model;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/** The small primitives the credentials share: HMAC-SHA256, constant-time comparison, URL-safe base64. */
final class Crypto {
  private Crypto() {}

  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

  static byte[] hmac(byte[] key, byte[]... parts) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (var part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /** Decodes URL-safe base64 without padding; null where the text is not that. */
  static byte[] decode(String text) {
    if (text == null || text.isEmpty() || text.length() > 4096 || text.indexOf('=') >= 0) {
      return null;
    }
    try {
      return B64_DECODER.decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
