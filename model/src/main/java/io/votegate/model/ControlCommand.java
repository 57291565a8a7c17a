package io.votegate.model;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * An operator's command for the election day, on topic {@code control}: extend or close a state's polls, revoke or
 * restore a voter's card. Signed with the operator's Ed25519 private key; services hold only the public key. A
 * signature rather than an HMAC: a service that verifies commands must not be able to make them, so a breached
 * gateway cannot extend a state's polls.
 *
 * @param kind     {@code polls.extend}, {@code polls.close}, {@code voter.revoke} or {@code voter.restore}
 * @param state    the state of a polls command
 * @param until    when the polls of {@code state} close from now on (a close sets it to when it takes effect)
 * @param voterId  the voter of a voter command
 * @param issuedAt when the operator issued it: a ballot accepted from then on is judged by it
 */
public record ControlCommand(String id, String kind, String state, Instant until, String voterId, Instant issuedAt,
                             String signature) {
  public static final String EXTEND = "polls.extend";
  public static final String CLOSE = "polls.close";
  public static final String REVOKE = "voter.revoke";
  public static final String RESTORE = "voter.restore";

  public boolean isPolls() {
    return EXTEND.equals(kind) || CLOSE.equals(kind);
  }

  public static ControlCommand polls(String kind, String state, Instant until, Instant issuedAt) {
    return new ControlCommand(UUID.randomUUID().toString(), kind, state, until, null, issuedAt, null);
  }

  public static ControlCommand voter(String kind, String voterId, Instant issuedAt) {
    return new ControlCommand(UUID.randomUUID().toString(), kind, null, null, voterId, issuedAt, null);
  }

  /** What is signed: every field but the signature, in a fixed order. */
  private byte[] signed() {
    return String.join("|", id, kind, Objects.toString(state, ""), Objects.toString(until, ""),
        Objects.toString(voterId, ""), issuedAt.toString()).getBytes(StandardCharsets.UTF_8);
  }

  public ControlCommand signedWith(PrivateKey key) {
    try {
      var signer = Signature.getInstance("Ed25519");
      signer.initSign(key);
      signer.update(signed());
      var signature = Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
      return new ControlCommand(id, kind, state, until, voterId, issuedAt, signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True only if the operator's key signed exactly this command. */
  public boolean verifies(PublicKey key) {
    if (signature == null) {
      return false;
    }
    try {
      var verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(signed());
      return verifier.verify(Base64.getUrlDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  public JsonObject toJson() {
    var json = new JsonObject().put("id", id).put("kind", kind).put("issuedAt", issuedAt.toString());
    if (state != null) {
      json.put("state", state);
    }
    if (until != null) {
      json.put("until", until.toString());
    }
    if (voterId != null) {
      json.put("voterId", voterId);
    }
    return json.put("signature", signature);
  }

  public static ControlCommand fromJson(JsonObject json) {
    return new ControlCommand(json.getString("id"), json.getString("kind"), json.getString("state"),
        json.containsKey("until") ? Instant.parse(json.getString("until")) : null, json.getString("voterId"),
        Instant.parse(json.getString("issuedAt")), json.getString("signature"));
  }

  /** A new operator key pair: {private (PKCS#8), public (X.509)}, base64. */
  public static String[] newKeyPair() {
    try {
      var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new String[] {Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
          Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())};
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static PrivateKey privateKey(String base64) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an Ed25519 private key (base64 PKCS#8): " + e.getMessage());
    }
  }

  public static PublicKey publicKey(String base64) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an Ed25519 public key (base64 X.509): " + e.getMessage());
    }
  }
}
