package io.votegate.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Self-authenticating receipts: a 12-byte identifier and a 12-byte MAC of it under the receipt key. The gateway tells
 * its own receipts from guessed ones without a lookup. The identifier is derived from the session's nonce, so a
 * retried submission with the same token gets the same receipt, and the ballot-server can see it is the same ballot.
 */
public final class Receipts {
  private static final byte[] ID = "votegate receipt id".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAC = "votegate receipt mac".getBytes(StandardCharsets.US_ASCII);
  private static final int PART = 12;

  private final Crypto.Hmac hmac;

  public Receipts(byte[] receiptKey) {
    this.hmac = new Crypto.Hmac(receiptKey);
  }

  public String forSession(SessionTokens.Session session) {
    var id = Arrays.copyOf(hmac.of(ID, session.nonce()), PART);
    var receipt = Arrays.copyOf(id, 2 * PART);
    System.arraycopy(mac(id), 0, receipt, PART, PART);
    return Crypto.B64.encodeToString(receipt);
  }

  public boolean isGenuine(String receipt) {
    var bytes = receipt == null || receipt.length() != 32 ? null : Crypto.decode(receipt);
    if (bytes == null || bytes.length != 2 * PART) {
      return false;
    }
    return Crypto.same(mac(Arrays.copyOf(bytes, PART)), Arrays.copyOfRange(bytes, PART, 2 * PART));
  }

  private byte[] mac(byte[] id) {
    return Arrays.copyOf(hmac.of(MAC, id), PART);
  }
}
