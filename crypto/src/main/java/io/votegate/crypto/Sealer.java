package io.votegate.crypto;

import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Seals a ballot under the election key as ElectionGuard 2.0 encrypts one: every selection of every contest on the
 * voter's ballot, 1 for a candidate chosen and 0 for one not, as its own ciphertext, so that the tally can add them
 * per candidate. A random 32-byte ballot nonce ξ_B gives each selection's nonce, ξ_{i,j} = H(H_E; 0x20, ξ_B, i, j)
 * mod q for contest i and candidate j (their 1-based positions in the manifest): the one secret a voter's challenge
 * of the encryption would reveal. Points are normalized together (one field inversion a ballot) and written
 * uncompressed.
 */
public final class Sealer {
  private final ElectionKey key;
  private final byte[] extendedHash;

  public Sealer(ElectionKey key) {
    this.key = key;
    this.extendedHash = key.extendedHash();
  }

  /** One contest of a ballot: its position i in the manifest and a 0/1 per candidate, in manifest order. */
  public record Contest(int index, int[] selections) {}

  /** A sealed contest: α1 ‖ β1 ‖ α2 ‖ β2 … for its candidates in order, 130 bytes each. */
  public record SealedContest(int index, byte[] ciphertexts) {}

  /** A fresh ballot nonce. */
  public static byte[] ballotNonce(SecureRandom random) {
    var nonce = new byte[32];
    random.nextBytes(nonce);
    return nonce;
  }

  public List<SealedContest> seal(List<Contest> contests, byte[] ballotNonce) {
    int points = 0;
    for (var contest : contests) {
      points += 2 * contest.selections().length;
    }
    var all = new ECPoint[points];
    int p = 0;
    for (var contest : contests) {
      for (int j = 0; j < contest.selections().length; j++) {
        int sigma = contest.selections()[j];
        if (sigma != 0 && sigma != 1) {
          throw new IllegalArgumentException("a selection is 0 or 1");
        }
        var xi = selectionNonce(ballotNonce, contest.index(), j + 1);
        all[p++] = Group.P256.timesG(xi);
        all[p++] = key.timesK(xi.add(BigInteger.valueOf(sigma)));
      }
    }
    Group.P256.normalize(all);
    var sealed = new ArrayList<SealedContest>(contests.size());
    p = 0;
    for (var contest : contests) {
      var bytes = new byte[2 * Group.POINT_BYTES * contest.selections().length];
      for (int j = 0; j < 2 * contest.selections().length; j++) {
        System.arraycopy(all[p++].getEncoded(false), 0, bytes, j * Group.POINT_BYTES, Group.POINT_BYTES);
      }
      sealed.add(new SealedContest(contest.index(), bytes));
    }
    return sealed;
  }

  /** ξ_{i,j} = H(H_E; 0x20, ξ_B, i, j) mod q. */
  public BigInteger selectionNonce(byte[] ballotNonce, int contest, int selection) {
    var xi = Group.P256.scalarOf(Hash.of(extendedHash, Hash.SELECTION_NONCE, ballotNonce, contest, selection));
    if (xi.signum() == 0) {
      throw new IllegalStateException("a zero nonce (probability 2^-256): draw another ballot nonce");
    }
    return xi;
  }

  /** The ciphertexts of a sealed contest, read back (each point checked to be on the curve). */
  public static Ciphertext[] ciphertexts(byte[] sealed, int candidates) {
    if (sealed.length != 2 * Group.POINT_BYTES * candidates) {
      throw new IllegalArgumentException("a contest of " + candidates + " candidates seals to "
          + 2 * Group.POINT_BYTES * candidates + " bytes, not " + sealed.length);
    }
    var out = new Ciphertext[candidates];
    for (int j = 0; j < candidates; j++) {
      out[j] = new Ciphertext(Group.P256.decode(sealed, 2 * j * Group.POINT_BYTES),
          Group.P256.decode(sealed, (2 * j + 1) * Group.POINT_BYTES));
    }
    return out;
  }
}
