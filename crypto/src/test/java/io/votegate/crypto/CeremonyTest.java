package io.votegate.crypto;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The key ceremony of 3 guardians with quorum 2, end to end, and each way it must refuse: a share that does not match
 * its commitments, a forged Schnorr proof, a share changed on the way; then decryption: any 2 of 3 give the same
 * counts, 1 cannot, and a share computed with a wrong secret or altered after the fact is refused.
 */
class CeremonyTest {
  private static final byte[] MANIFEST = "{\"id\":\"test\"}".getBytes(StandardCharsets.UTF_8);
  private final SecureRandom random = new SecureRandom();

  private record Ceremony(ElectionKey key, List<KeyShare> shares) {}

  private Ceremony ceremony(int n, int k) {
    var secrets = new ArrayList<GuardianSecret>();
    for (int i = 1; i <= n; i++) {
      secrets.add(GuardianSecret.generate(i, k, random));
    }
    var records = secrets.stream().map(GuardianSecret::record).toList();
    var key = ElectionKey.of(MANIFEST, n, k, records);
    var inboxes = new HashMap<Integer, Map<Integer, EncryptedShare>>();
    for (var secret : secrets) {
      secret.sharesFor(records, random).forEach((to, share) ->
          inboxes.computeIfAbsent(to, x -> new HashMap<>()).put(secret.index(), share));
    }
    var shares = secrets.stream().map(s -> s.keyShare(records, inboxes.getOrDefault(s.index(), Map.of()))).toList();
    return new Ceremony(key, shares);
  }

  @Test
  void anyTwoOfThreeGuardiansDecryptTheSameCountsAndOneCannot() {
    var ceremony = ceremony(3, 2);
    var key = ceremony.key();
    var votes = new int[] {1, 0, 1, 1, 0, 1, 1};
    var sum = Ciphertext.ZERO;
    for (int v : votes) {
      sum = sum.plus(Ciphertext.encrypt(v, Group.P256.randomScalar(random), key));
    }
    var total = sum.normalized();
    for (var pair : List.of(Set.of(1, 2), Set.of(1, 3), Set.of(2, 3))) {
      assertEquals(5, decrypt(ceremony, total, pair), "guardians " + pair);
    }
    assertNull(decrypt(ceremony, total, Set.of(2)), "one guardian of a quorum of two learns nothing");
  }

  @Test
  void allThreeWithAQuorumOfThreeDecryptAndTwoCannot() {
    var ceremony = ceremony(3, 3);
    var sum = Ciphertext.encrypt(1, Group.P256.randomScalar(random), ceremony.key())
        .plus(Ciphertext.encrypt(1, Group.P256.randomScalar(random), ceremony.key())).normalized();
    assertEquals(2, decrypt(ceremony, sum, Set.of(1, 2, 3)));
    assertNull(decrypt(ceremony, sum, Set.of(1, 3)));
  }

  @Test
  void aShareThatDoesNotMatchItsSendersCommitmentsIsRefusedNamingTheSender() {
    var alice = GuardianSecret.generate(1, 2, random);
    var bob = GuardianSecret.generate(2, 2, random);
    var mallory = GuardianSecret.generate(3, 2, random);
    var records = List.of(alice.record(), bob.record(), mallory.record());
    // Mallory sends Alice a share of another polynomial than the one it committed to.
    var other = GuardianSecret.generate(3, 2, random);
    var inbox = Map.of(2, bob.shareFor(alice.record(), random), 3, other.shareFor(alice.record(), random));
    var refused = assertThrows(CeremonyException.class, () -> alice.keyShare(records, inbox));
    assertEquals("guardian 3's share for guardian 1 does not match its commitments", refused.getMessage());
  }

  @Test
  void aShareChangedOnTheWayFailsItsMac() {
    var alice = GuardianSecret.generate(1, 2, random);
    var bob = GuardianSecret.generate(2, 2, random);
    var share = bob.shareFor(alice.record(), random);
    var c1 = share.c1().clone();
    c1[0] ^= 1;
    var changed = new EncryptedShare(share.sender(), share.recipient(), share.c0(), c1, share.c2());
    var refused = assertThrows(CeremonyException.class,
        () -> alice.keyShare(List.of(alice.record(), bob.record()), Map.of(2, changed)));
    assertTrue(refused.getMessage().contains("was changed on the way"), refused.getMessage());
  }

  @Test
  void aForgedSchnorrProofIsRefused() {
    var alice = GuardianSecret.generate(1, 2, random);
    var bob = GuardianSecret.generate(2, 2, random);
    var proofs = new ArrayList<>(bob.record().proofs());
    proofs.set(1, new SchnorrProof(proofs.get(1).challenge(), proofs.get(1).response().add(BigInteger.ONE)));
    var forged = new GuardianRecord(2, bob.record().commitments(), proofs);
    var refused = assertThrows(CeremonyException.class,
        () -> ElectionKey.of(MANIFEST, 2, 2, List.of(alice.record(), forged)));
    assertEquals("guardian 2's Schnorr proof for coefficient 1 does not verify", refused.getMessage());
    // A commitment swapped for someone else's, with its own proof: the proof binds guardian and index.
    var stolen = new GuardianRecord(2, List.of(bob.record().commitments().get(0), alice.record().commitments().get(1)),
        List.of(bob.record().proofs().get(0), alice.record().proofs().get(1)));
    assertThrows(CeremonyException.class, () -> ElectionKey.of(MANIFEST, 2, 2, List.of(alice.record(), stolen)));
  }

  @Test
  void aCeremonyWithTooFewCommitmentsOrMisnumberedGuardiansIsRefused() {
    var a = GuardianSecret.generate(1, 1, random);
    var b = GuardianSecret.generate(2, 2, random);
    assertThrows(CeremonyException.class, () -> ElectionKey.of(MANIFEST, 2, 2, List.of(a.record(), b.record())));
    var c = GuardianSecret.generate(3, 2, random);
    assertThrows(CeremonyException.class, () -> ElectionKey.of(MANIFEST, 2, 2, List.of(b.record(), c.record())));
    assertThrows(CeremonyException.class, () -> ElectionKey.of(MANIFEST, 2, 3, List.of(b.record(), c.record())));
  }

  @Test
  void aPartialDecryptionWithAWrongSecretOrAlteredAfterwardsIsRefused() {
    var ceremony = ceremony(3, 2);
    var key = ceremony.key();
    var c = Ciphertext.encrypt(1, Group.P256.randomScalar(random), key).normalized();
    var honest = ceremony.shares().get(0).decrypt(List.of(c), key, random).get(0);
    assertTrue(honest.verifies(c, key.verificationKey(1), key.extendedHash()));

    // Guardian 1 decrypting with another secret (a wrong share) cannot prove it: its key does not match.
    var wrong = new KeyShare(1, Group.P256.randomScalar(random));
    assertThrows(CeremonyException.class, () -> wrong.decrypt(List.of(c), key, random));
    var wrongShare = PartialDecryption.of(1, Group.P256.randomScalar(random), key.verificationKey(1), c,
        key.extendedHash(), random);
    assertFalse(wrongShare.verifies(c, key.verificationKey(1), key.extendedHash()), "a share of a wrong secret");

    var forged = new PartialDecryption(1, honest.share().add(Group.P256.generator()).normalize(), honest.challenge(),
        honest.response());
    assertFalse(forged.verifies(c, key.verificationKey(1), key.extendedHash()), "a share changed after its proof");
    assertFalse(honest.verifies(c, key.verificationKey(2), key.extendedHash()), "guardian 1's share as guardian 2's");
    var other = Ciphertext.encrypt(0, Group.P256.randomScalar(random), key).normalized();
    assertFalse(honest.verifies(other, key.verificationKey(1), key.extendedHash()), "a share of another ciphertext");
  }

  @Test
  void theElectionKeyRoundTripsThroughJsonAndRefusesAnotherManifest() {
    var key = ceremony(3, 2).key();
    var json = key.toJson();
    var back = ElectionKey.fromJson(new io.vertx.core.json.JsonObject(json.encode()), MANIFEST);
    assertEquals(json, back.toJson());
    var refused = assertThrows(CeremonyException.class,
        () -> ElectionKey.fromJson(json, "{\"id\":\"other\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(refused.getMessage().contains("manifestHash"), refused.getMessage());
    var tampered = json.copy().put("jointKey", Hex.point(Group.P256.generator()));
    assertThrows(CeremonyException.class, () -> ElectionKey.fromJson(tampered, MANIFEST));
  }

  @Test
  void theSecretsRoundTripThroughJson() {
    var secret = GuardianSecret.generate(2, 3, random);
    var back = GuardianSecret.fromJson(new io.vertx.core.json.JsonObject(secret.toJson().encode()));
    assertEquals(secret.valueAt(7), back.valueAt(7));
    var share = ceremony(2, 2).shares().get(1);
    assertEquals(share.toJson(), KeyShare.fromJson(share.toJson()).toJson());
  }

  /** The count behind {@code c} from the guardians in {@code who}, or null if none in [0, 1000] is found. */
  private static Long decrypt(Ceremony ceremony, Ciphertext c, Set<Integer> who) {
    var key = ceremony.key();
    var random = new SecureRandom();
    var shares = ceremony.shares().stream().filter(s -> who.contains(s.index()))
        .map(s -> s.decrypt(List.of(c), key, random).get(0)).toList();
    shares.forEach(s -> assertTrue(s.verifies(c, key.verificationKey(s.guardian()), key.extendedHash())));
    var weights = Decryption.lagrange(shares.stream().map(PartialDecryption::guardian).collect(Collectors.toSet()));
    var t = Decryption.combine(c, shares, weights);
    var found = new DiscreteLog(key).find(t, 0, Group.P256.identity(), 1000);
    return found.isPresent() ? found.getAsLong() : null;
  }
}
