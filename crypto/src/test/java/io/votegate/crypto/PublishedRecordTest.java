package io.votegate.crypto;

import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Votegate's hashes and proofs against a key ceremony published by egk-ec (ElectionGuard 2.1 on P-256, its test data
 * {@code src/test/data/encrypt/testBallotChain}: 3 guardians, quorum 3): the same parameter and base hashes, the same
 * joint key and extended base hash from the guardians' commitments, and every one of its nine Schnorr proofs verifies
 * here. So an election record Votegate writes is hashed as an ElectionGuard verifier on curves expects.
 */
class PublishedRecordTest {
  private static final Base64.Decoder B64 = Base64.getDecoder();

  /** Per guardian (x-coordinates 1, 2, 3), per coefficient: commitment K_ij, challenge, response. */
  private static final String[][][] PROOFS = {
      {{"As77JvUjye4eBl+dlIJbpOlbwtzAeJAYVkFx9wyDoVab", "kYmL+afJk8xIialDfJBIAs8WcqpAFOyML+V0Q0wHKR4=", "dH6KS3biqoQzelFHiXLV1w2oYV7Qiyk6rBx9/lnYM6M="},
       {"A8leknpAZWkba9XsRIx8kcditCT9G5OTipgJqcfqJDG7", "7E7nnL+fyz0r56gD9Cwiudt0GDVQ8oWoWcKTiaLysYk=", "7LOAZfTK2wUrVcKJBx1t9XNOoitUyIe5pSNPpU+9ihA="},
       {"AqO2nk2b8Stj03BZQCcEkhEfcjEHcdKF6bj9MTtN7VZR", "kH2TUaXKpvC7XzCPFEtQ45HKFNdVT/1J8JvM+SmwNtA=", "hQJBFbMCg/4u3EVZT1jymUPAvOGiQTFjbfZblS+zlTI="}},
      {{"AxdbovKPcEAtI44BMzPkt/EmtjfwlOf4pDBypexi7B46", "IPSW1JMDS+tTxsBC8U3O6HRxlIpjXaVTgaBRQnMVC2k=", "hCbuyDuwMuI03qx4GFQus5XaYV69jXWnmL3/k6MCT4E="},
       {"AywiXS+mmZiAo7LO7yp158kTgMea1CneYpZ3gnj81RW8", "T00H4jANOXnAF4BLRCqucv+awffUKumzpfNK5NFQhSw=", "FKnMuQiGWD/JXUj2y2oLDR88swhrSsL197hlQZLXB7Q="},
       {"AucabISWhfJ0qApozg3f3JOODk+pDAhPqdQvP4Mt1o6s", "pnQVXem4Q9DvmFxsKhOt+wRu+Lj+Gf7I9zT/7AfTIwo=", "XfKqrMAYL1Jtc2ZqNo+5KwaAL4TPgUu+pC0vkziG2Bc="}},
      {{"AkjH+N7InVlJkKBpOQrMuAz0dhUTuOOnORU8VbMAbodb", "anyzqT61YGyVKZYKrK3cssvLlOwES27LOwzxrDre2ys=", "8wlcJRwTkotz4DfgwTMqBjjdIyeq9JAiZ0zrJnytBWk="},
       {"A1LettIn59VaWkvDixTSiI+WO4rLivptwNylQKIHYgWK", "SEtmwO+yvBJxkNCxXgq02iwkqN+3ckXz03I+dyE50PE=", "JtwjEimjwuDOsJOZKjHMyzCR+7W2st8BpGeEPfnyf3k="},
       {"ArQv1NxB4/lmSIqTB4Gu/BQZPga+y0ES5KS0pdPRQIyq", "pWlWqhq72hyLim8+rXIrNLtDR1Sn56kw7bkess99phA=", "cXk7oaLQ8egackmh99FIH3CKo/pRVkNOZzRJo13CAEg="}}};

  @Test
  void theParameterAndBaseHashesAreEgkEcs() {
    var hp = ElectionKey.groupHash();
    assertArrayEquals(B64.decode("wB7G5Kj3nStxFddTM6xJxHJo1djDXMWrdomcy5yZA68="), hp);
    var manifestHash = B64.decode("dol6Z311sG1ajnyQkndDIWW1bjj60LS3cZBDXtohLco=");
    assertArrayEquals(B64.decode("YDGBc3SS2fVuQcE0FeN/fvw829zUjvsbR3kjsW0L/yU="),
        Hash.of(hp, Hash.ELECTION_BASE, manifestHash, 3, 3));
  }

  @Test
  void theJointKeyExtendedHashAndEveryGuardianProofAreEgkEcs() {
    var hp = ElectionKey.groupHash();
    var joint = Group.P256.identity();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        var commitment = point(PROOFS[i][j][0]);
        var proof = new SchnorrProof(new BigInteger(1, B64.decode(PROOFS[i][j][1])),
            new BigInteger(1, B64.decode(PROOFS[i][j][2])));
        assertTrue(proof.verifies(commitment, i + 1, j, hp), "guardian " + (i + 1) + ", coefficient " + j);
        assertFalse(proof.verifies(commitment, i + 1, (j + 1) % 3, hp), "bound to its coefficient's index");
      }
      joint = joint.add(point(PROOFS[i][0][0]));
      var record = new GuardianRecord(i + 1, List.of(point(PROOFS[i][0][0]), point(PROOFS[i][1][0]),
          point(PROOFS[i][2][0])), List.of(proof(i, 0), proof(i, 1), proof(i, 2)));
      assertNull(record.problem(3, hp));
    }
    assertArrayEquals(B64.decode("A1AAplJ/Fgm8ImwMOyiY6ezRLrO9/F/osWDOE2zwdAHK"), Group.P256.compressed(joint));
    var baseHash = B64.decode("YDGBc3SS2fVuQcE0FeN/fvw829zUjvsbR3kjsW0L/yU=");
    assertArrayEquals(B64.decode("wKLpLe8M15wVenQ5z8dpTAulATd2QNRFWaoLPYThr5E="),
        Hash.of(baseHash, Hash.EXTENDED_BASE, joint));
  }

  private static SchnorrProof proof(int i, int j) {
    return new SchnorrProof(new BigInteger(1, B64.decode(PROOFS[i][j][1])), new BigInteger(1, B64.decode(PROOFS[i][j][2])));
  }

  private static ECPoint point(String compressed) {
    return Group.P256.curve().decodePoint(B64.decode(compressed));
  }
}
