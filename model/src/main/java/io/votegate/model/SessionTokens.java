package io.votegate.model;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Stateless sessions: the voter's identity and expiry, authenticated-encrypted with AES-GCM under the token key.
 * The server keeps nothing; a token that decrypts is one it issued, and nobody else can read or alter it.
 *
 * <p>Layout: version (1 byte) | nonce (12) | AES-GCM(election \n voterId \n expiresAt epoch seconds) with the
 * version byte as associated data.
 */
public final class SessionTokens {
  private static final byte VERSION = 1;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  public record Session(String electionId, VoterId voter, Instant expiresAt, byte[] nonce) {}

  /** Why a token was refused: the API maps these to {@code invalid_token} and {@code expired_token}. */
  public static final class TokenException extends Exception {
    private final boolean expired;

    TokenException(String message, boolean expired) {
      super(message, null, false, false);
      this.expired = expired;
    }

    public boolean expired() {
      return expired;
    }
  }

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public SessionTokens(byte[] tokenKey) {
    this.key = new SecretKeySpec(Arrays.copyOf(tokenKey, 32), "AES");
  }

  public String issue(String electionId, VoterId voter, Instant now, Duration ttl) {
    var nonce = new byte[NONCE];
    random.nextBytes(nonce);
    var plain = (electionId + "\n" + voter.value() + "\n" + now.plus(ttl).getEpochSecond())
        .getBytes(StandardCharsets.UTF_8);
    try {
      var cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
      var sealed = cipher.doFinal(plain);
      return Crypto.B64.encodeToString(ByteBuffer.allocate(1 + NONCE + sealed.length)
          .put(VERSION).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public Session open(String token, String expectedElection, Instant now) throws TokenException {
    var bytes = Crypto.decode(token);
    if (bytes == null || bytes.length < 1 + NONCE + TAG_BITS / 8 || bytes[0] != VERSION) {
      throw new TokenException("malformed token", false);
    }
    var nonce = Arrays.copyOfRange(bytes, 1, 1 + NONCE);
    String plain;
    try {
      plain = new String(cipher(Cipher.DECRYPT_MODE, nonce).doFinal(bytes, 1 + NONCE, bytes.length - 1 - NONCE),
          StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new TokenException("token does not authenticate", false);
    }
    // Three fields, found by their separators: every ballot opens a token, and a split's list and array were more of
    // its allocations than the cipher's.
    int first = plain.indexOf('\n');
    int second = first < 0 ? -1 : plain.indexOf('\n', first + 1);
    if (second < 0 || plain.indexOf('\n', second + 1) >= 0 || !plain.startsWith(expectedElection)
        || first != expectedElection.length()) {
      throw new TokenException("token of another election", false);
    }
    var voter = VoterId.parse(plain.substring(first + 1, second))
        .orElseThrow(() -> new TokenException("token names no voter", false));
    var expiresAt = Instant.ofEpochSecond(Long.parseLong(plain, second + 1, plain.length(), 10));
    if (!now.isBefore(expiresAt)) {
      throw new TokenException("token expired", true);
    }
    return new Session(expectedElection, voter, expiresAt, nonce);
  }

  /** One Cipher per thread, re-initialised per token (a fresh nonce each time); its key schedule is kept. */
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM is part of every JDK", e);
    }
  });

  private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
    var cipher = ciphers.get();
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(new byte[] {VERSION});
    return cipher;
  }
}
