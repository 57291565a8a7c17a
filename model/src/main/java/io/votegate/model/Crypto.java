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

  /**
   * HMAC-SHA256 under one key, with a Mac kept per thread: looking up the provider and scheduling the key cost more
   * than the MAC itself, on every sign-in, ballot and receipt.
   */
  static final class Hmac {
    private final ThreadLocal<Mac> macs;

    Hmac(byte[] key) {
      var spec = new SecretKeySpec(key.clone(), "HmacSHA256");
      this.macs = ThreadLocal.withInitial(() -> {
        try {
          var mac = Mac.getInstance("HmacSHA256");
          mac.init(spec);
          return mac;
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
      });
    }

    byte[] of(byte[]... parts) {
      var mac = macs.get();
      for (var part : parts) {
        mac.update(part);
      }
      return mac.doFinal(); // and resets the Mac for the next use
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
