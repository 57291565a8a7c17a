package io.votegate.crypto;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The public outcome of the key ceremony, all that gateways, tallies and verifiers need: n guardians, quorum k, the
 * guardians' records, the joint public key K = Σ_ℓ K_ℓ,0 (no party ever holds its secret: only any k guardians
 * together can use it), and the chain of base hashes that binds every ciphertext and proof to this election and
 * this key: H_P (the group), H_M (the manifest), H_B = H(H_P; 0x02, H_M, n, k), H_E = H(H_B; 0x12, K).
 *
 * <p>Built only through {@link #of}, which refuses a ceremony whose records do not verify.
 */
public final class ElectionKey {
  /** ElectionGuard's version, as egk-ec writes it, padded with zero bytes to 32: the key of H_P. */
  public static final String VERSION = "v2.1.0";

  private final int guardians;
  private final int quorum;
  private final byte[] parameterHash;
  private final byte[] manifestHash;
  private final byte[] baseHash;
  private final ECPoint jointKey;
  private final byte[] extendedHash;
  private final List<GuardianRecord> records;
  private volatile FixedBase keyTable;

  private ElectionKey(int guardians, int quorum, byte[] parameterHash, byte[] manifestHash, List<GuardianRecord> records) {
    this.guardians = guardians;
    this.quorum = quorum;
    this.parameterHash = parameterHash;
    this.manifestHash = manifestHash;
    this.baseHash = Hash.of(parameterHash, Hash.ELECTION_BASE, manifestHash, guardians, quorum);
    this.records = records;
    var k = Group.P256.identity();
    for (var record : records) {
      k = k.add(record.publicKey());
    }
    this.jointKey = k.normalize();
    this.extendedHash = Hash.of(baseHash, Hash.EXTENDED_BASE, jointKey);
  }

  /**
   * The election key of {@code manifest} (its bytes, as published) from every guardian's record; refuses anything but
   * n distinct guardians 1…n, each with k verifying commitments, 1 ≤ k ≤ n.
   */
  public static ElectionKey of(byte[] manifest, int guardians, int quorum, List<GuardianRecord> records) {
    if (quorum < 1 || quorum > guardians) {
      throw new CeremonyException("the quorum k must be between 1 and the number of guardians n (" + guardians + ")");
    }
    var sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparingInt(GuardianRecord::index));
    for (int i = 0; i < sorted.size(); i++) {
      if (sorted.get(i).index() != i + 1) {
        throw new CeremonyException("the guardians must be numbered 1 to " + guardians + ", each once");
      }
    }
    if (sorted.size() != guardians) {
      throw new CeremonyException(guardians + " guardians, but " + sorted.size() + " records");
    }
    var hp = groupHash();
    for (var record : sorted) {
      var problem = record.problem(quorum, hp);
      if (problem != null) {
        throw new CeremonyException(problem);
      }
    }
    return new ElectionKey(guardians, quorum, hp, manifestHash(hp, manifest), List.copyOf(sorted));
  }

  /** H_P = H(ver; 0x00, a, b, p, G.x, G.y, h): the group, as egk-ec hashes a curve's constants. */
  public static byte[] groupHash() {
    var curve = Group.P256.curve();
    var g = Group.P256.generator();
    var version = new byte[32];
    var text = VERSION.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(text, 0, version, 0, text.length);
    return Hash.of(version, Hash.PARAMETERS, curve.getA().toBigInteger(), curve.getB().toBigInteger(),
        curve.getField().getCharacteristic(), g.getAffineXCoord().toBigInteger(), g.getAffineYCoord().toBigInteger(),
        curve.getCofactor());
  }

  /** H_M = H(H_P; 0x01, b(len(manifest), 4), manifest). */
  public static byte[] manifestHash(byte[] parameterHash, byte[] manifest) {
    return Hash.of(parameterHash, Hash.MANIFEST, manifest.length, manifest);
  }

  public int guardians() {
    return guardians;
  }

  public int quorum() {
    return quorum;
  }

  public byte[] parameterHash() {
    return parameterHash.clone();
  }

  public byte[] manifestHash() {
    return manifestHash.clone();
  }

  public byte[] baseHash() {
    return baseHash.clone();
  }

  public byte[] extendedHash() {
    return extendedHash.clone();
  }

  /** K, the joint public key. */
  public ECPoint jointKey() {
    return jointKey;
  }

  public List<GuardianRecord> records() {
    return records;
  }

  /** Guardian ℓ's verification key g^{P(ℓ)} = Σ_i Σ_j ℓ^j·K_i,j, which its partial decryptions are checked against. */
  public ECPoint verificationKey(int guardian) {
    if (guardian < 1 || guardian > guardians) {
      throw new IllegalArgumentException("no guardian " + guardian);
    }
    var sum = Group.P256.identity();
    for (var record : records) {
      sum = sum.add(record.commitmentAt(guardian));
    }
    return sum.normalize();
  }

  /** {@code k·K}, from a table built at first use. */
  public ECPoint timesK(BigInteger k) {
    var table = keyTable;
    if (table == null) {
      synchronized (this) {
        if (keyTable == null) {
          keyTable = new FixedBase(Group.P256, jointKey);
        }
        table = keyTable;
      }
    }
    return table.multiply(k);
  }

  /** The record of the key, as {@code election-key.json} holds it; every hash in it can be recomputed by anyone. */
  public JsonObject toJson() {
    var guardiansJson = new JsonArray();
    records.forEach(r -> guardiansJson.add(r.toJson()));
    return new JsonObject()
        .put("group", Group.P256.name())
        .put("version", VERSION)
        .put("guardians", guardians)
        .put("quorum", quorum)
        .put("parameterHash", Hex.bytes(parameterHash))
        .put("manifestHash", Hex.bytes(manifestHash))
        .put("baseHash", Hex.bytes(baseHash))
        .put("jointKey", Hex.point(jointKey))
        .put("extendedHash", Hex.bytes(extendedHash))
        .put("records", guardiansJson);
  }

  /**
   * Reads an election key and checks it whole against {@code manifest}: every proof, and every hash and the joint key
   * recomputed; a record that says otherwise is refused, naming what differs.
   */
  public static ElectionKey fromJson(JsonObject json, byte[] manifest) {
    if (!Group.P256.name().equals(json.getString("group"))) {
      throw new CeremonyException("the election key is for group " + json.getString("group") + ", not P-256");
    }
    var records = new ArrayList<GuardianRecord>();
    for (var r : json.getJsonArray("records")) {
      records.add(GuardianRecord.fromJson((JsonObject) r));
    }
    var key = of(manifest, json.getInteger("guardians"), json.getInteger("quorum"), records);
    var stated = new JsonObject().put("manifestHash", json.getString("manifestHash"))
        .put("baseHash", json.getString("baseHash")).put("jointKey", json.getString("jointKey"))
        .put("extendedHash", json.getString("extendedHash")).put("parameterHash", json.getString("parameterHash"));
    var actual = key.toJson();
    for (var field : stated.fieldNames()) {
      if (!actual.getString(field).equals(stated.getString(field))) {
        throw new CeremonyException("the election key's " + field + " is not what its records and the manifest give"
            + (field.equals("manifestHash") ? " (a key made for another election definition?)" : ""));
      }
    }
    return key;
  }
}
