package io.votegate.crypto;

/** A key ceremony, share or decryption that does not verify, saying what failed and whose it was. */
public final class CeremonyException extends RuntimeException {
  public CeremonyException(String message) {
    super(message);
  }
}
