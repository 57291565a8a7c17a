package io.votegate.crypto;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * What a guardian publishes in the key ceremony: its index ℓ (1…n), the commitments K_ℓ,j = a_ℓ,j·G to the k
 * coefficients of its secret polynomial, and a Schnorr proof of knowledge of each. K_ℓ,0 is also the key the other
 * guardians encrypt its shares to.
 */
public record GuardianRecord(int index, List<ECPoint> commitments, List<SchnorrProof> proofs) {

  public GuardianRecord {
    commitments = List.copyOf(commitments);
    proofs = List.copyOf(proofs);
    if (index < 1) {
      throw new IllegalArgumentException("guardian indexes start at 1");
    }
    if (commitments.size() != proofs.size() || commitments.isEmpty()) {
      throw new IllegalArgumentException("one proof per commitment, at least one of each");
    }
  }

  /** Why this record is not a valid one for a quorum of {@code quorum}, or null if it is. */
  public String problem(int quorum, byte[] parameterHash) {
    if (commitments.size() != quorum) {
      return "guardian " + index + " committed to " + commitments.size() + " coefficients, not " + quorum;
    }
    for (int j = 0; j < commitments.size(); j++) {
      if (commitments.get(j).isInfinity()) {
        return "guardian " + index + "'s commitment " + j + " is the identity";
      }
      if (!proofs.get(j).verifies(commitments.get(j), index, j, parameterHash)) {
        return "guardian " + index + "'s Schnorr proof for coefficient " + j + " does not verify";
      }
    }
    return null;
  }

  /** g^{P_ℓ(x)} from the commitments alone: Σ_j x^j·K_ℓ,j. What guardian x's share from this one must open to. */
  public ECPoint commitmentAt(int x) {
    var group = Group.P256;
    var sum = group.identity();
    var power = BigInteger.ONE;
    var bx = BigInteger.valueOf(x);
    for (var commitment : commitments) {
      sum = sum.add(commitment.multiply(power));
      power = group.mod(power.multiply(bx));
    }
    return sum;
  }

  /** The key others encrypt this guardian's shares to: K_ℓ,0. */
  public ECPoint publicKey() {
    return commitments.get(0);
  }

  public JsonObject toJson() {
    var commitmentsJson = new JsonArray();
    var proofsJson = new JsonArray();
    for (int j = 0; j < commitments.size(); j++) {
      commitmentsJson.add(Hex.point(commitments.get(j)));
      proofsJson.add(new JsonObject().put("challenge", Hex.scalar(proofs.get(j).challenge()))
          .put("response", Hex.scalar(proofs.get(j).response())));
    }
    return new JsonObject().put("index", index).put("commitments", commitmentsJson).put("proofs", proofsJson);
  }

  public static GuardianRecord fromJson(JsonObject json) {
    var commitments = new ArrayList<ECPoint>();
    var proofs = new ArrayList<SchnorrProof>();
    for (var c : json.getJsonArray("commitments")) {
      commitments.add(Hex.toPoint((String) c));
    }
    for (var p : json.getJsonArray("proofs")) {
      var proof = (JsonObject) p;
      proofs.add(new SchnorrProof(Hex.toScalar(proof.getString("challenge")), Hex.toScalar(proof.getString("response"))));
    }
    return new GuardianRecord(json.getInteger("index"), commitments, proofs);
  }
}
