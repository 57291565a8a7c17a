package io.votegate.crypto;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One guardian's side of the key ceremony (ElectionGuard 2.0, threshold key generation): a secret polynomial
 * P_ℓ(x) = a_ℓ,0 + a_ℓ,1·x + … + a_ℓ,k−1·x^(k−1) over Z_q, its public {@link GuardianRecord}, the share P_ℓ(i) it
 * sends each other guardian i (encrypted to i, {@link EncryptedShare}), and, from the shares it receives, its key
 * share P(ℓ) = Σ_i P_i(ℓ): a point on the polynomial Σ_i P_i whose constant term, the joint secret, nobody holds.
 * Each share received is checked against its sender's commitments before it is added.
 */
public final class GuardianSecret {
  private final int index;
  private final List<BigInteger> coefficients;
  private final GuardianRecord record;

  private GuardianSecret(int index, List<BigInteger> coefficients, GuardianRecord record) {
    this.index = index;
    this.coefficients = List.copyOf(coefficients);
    this.record = record;
  }

  /** A fresh polynomial of degree k − 1 for guardian {@code index}, with its commitments and proofs. */
  public static GuardianSecret generate(int index, int quorum, SecureRandom random) {
    var hp = ElectionKey.groupHash();
    var coefficients = new ArrayList<BigInteger>();
    var commitments = new ArrayList<ECPoint>();
    var proofs = new ArrayList<SchnorrProof>();
    for (int j = 0; j < quorum; j++) {
      var a = Group.P256.randomScalar(random);
      var commitment = Group.P256.timesG(a).normalize();
      coefficients.add(a);
      commitments.add(commitment);
      proofs.add(SchnorrProof.prove(a, commitment, index, j, hp, random));
    }
    return new GuardianSecret(index, coefficients, new GuardianRecord(index, commitments, proofs));
  }

  public int index() {
    return index;
  }

  public GuardianRecord record() {
    return record;
  }

  /** P_ℓ(x) mod q. */
  BigInteger valueAt(int x) {
    var group = Group.P256;
    var bx = BigInteger.valueOf(x);
    var value = BigInteger.ZERO;
    for (int j = coefficients.size() - 1; j >= 0; j--) {
      value = group.mod(value.multiply(bx).add(coefficients.get(j)));
    }
    return value;
  }

  /** The share P_ℓ(i) for guardian {@code recipient}, encrypted to that guardian's published key K_i,0. */
  public EncryptedShare shareFor(GuardianRecord recipient, SecureRandom random) {
    if (recipient.index() == index) {
      throw new IllegalArgumentException("a guardian keeps its own share");
    }
    return EncryptedShare.encrypt(index, recipient, valueAt(recipient.index()), random);
  }

  /**
   * This guardian's key share from the shares the others sent it ({@code received}, by sender), each decrypted with
   * a_ℓ,0 and checked against its sender's commitments: P_i(ℓ)·G must equal Σ_j ℓ^j·K_i,j. Refuses a missing,
   * unreadable or non-matching share, naming its sender.
   */
  public KeyShare keyShare(List<GuardianRecord> everyone, Map<Integer, EncryptedShare> received) {
    var group = Group.P256;
    var sum = valueAt(index);
    for (var sender : everyone) {
      if (sender.index() == index) {
        continue;
      }
      var share = received.get(sender.index());
      if (share == null) {
        throw new CeremonyException("guardian " + index + " has no share from guardian " + sender.index());
      }
      if (share.sender() != sender.index() || share.recipient() != index) {
        throw new CeremonyException("the share from guardian " + sender.index() + " is addressed from "
            + share.sender() + " to " + share.recipient());
      }
      var value = share.decrypt(coefficients.get(0), record.publicKey());
      if (!group.timesG(value).equals(sender.commitmentAt(index))) {
        throw new CeremonyException("guardian " + sender.index() + "'s share for guardian " + index
            + " does not match its commitments");
      }
      sum = group.mod(sum.add(value));
    }
    return new KeyShare(index, sum);
  }

  /** The polynomial, kept only during the ceremony (file mode 0600, see the guardian's docs). */
  public JsonObject toJson() {
    var a = new JsonArray();
    coefficients.forEach(c -> a.add(Hex.scalar(c)));
    return new JsonObject().put("index", index).put("coefficients", a).put("record", record.toJson());
  }

  public static GuardianSecret fromJson(JsonObject json) {
    var coefficients = new ArrayList<BigInteger>();
    json.getJsonArray("coefficients").forEach(c -> coefficients.add(Hex.toScalar((String) c)));
    var record = GuardianRecord.fromJson(json.getJsonObject("record"));
    for (int j = 0; j < coefficients.size(); j++) {
      if (!Group.P256.timesG(coefficients.get(j)).equals(record.commitments().get(j))) {
        throw new CeremonyException("the polynomial does not match its own commitments");
      }
    }
    return new GuardianSecret(json.getInteger("index"), coefficients, record);
  }

  /** The shares this guardian sends, by recipient. */
  public Map<Integer, EncryptedShare> sharesFor(List<GuardianRecord> everyone, SecureRandom random) {
    var shares = new TreeMap<Integer, EncryptedShare>();
    everyone.stream().filter(r -> r.index() != index).forEach(r -> shares.put(r.index(), shareFor(r, random)));
    return shares;
  }
}
