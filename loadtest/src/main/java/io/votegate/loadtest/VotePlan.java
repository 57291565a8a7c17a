package io.votegate.loadtest;

import io.votegate.model.Election;
import io.votegate.model.VoterCard;
import io.votegate.model.VoterId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who votes for whom in a simulated election, decided before the first ballot, so that every county's final count is
 * known in advance and the reconciliation has something exact to compare with.
 *
 * <p>The rule, per county and contest, for a roll of {@code n} voters:
 * <ol>
 *   <li>Shares: the county's known results for the contest ({@link KnownResults}; for us-2020 the 2020 votes of
 *   dem, rep and other) or, where there are none, made-up shares (candidate {@code i} of {@code k} weighs
 *   {@code k - i}, and a blank, an undervote, weighs a twentieth of the whole).</li>
 *   <li>Quotas: {@code n} split by the shares with the largest-remainder method: each choice gets the whole part of
 *   its exact share, and the voters left over go one each to the largest fractional parts (ties to the earlier
 *   candidate). So the quotas sum to {@code n} exactly, and at us-2020's scale {@code F} each county's counts are its
 *   2020 result scaled by {@code F}.</li>
 *   <li>Voters: the county's voters are laid on positions {@code 0..n-1} by a stride coprime to {@code n} (so every
 *   position is taken once and the choices are mixed rather than in blocks); position {@code p} votes for the choice
 *   whose quota range holds {@code p}. In a contest of up to N choices (N &gt; 1), voters on even positions also
 *   choose the next candidate.</li>
 * </ol>
 *
 * <p>With a results file ({@link KnownResults#exact()}) the counts are the file's, met exactly by the roll: in a
 * choose-one contest the quotas are the votes and the rest of the roll leaves it blank; in a contest of up to N, the
 * votes are laid out candidate after candidate and dealt to the voters column by column (position {@code p} gets
 * votes {@code p}, {@code p + n}, … {@code p + (N-1)n}), so no voter gets a candidate twice (no candidate has more
 * votes than the roll) and every total is the file's.</p>
 */
final class VotePlan {
  /**
   * One contest in one county: the quota ranges of its choices, the last one the blank; {@code dealt}, for a results
   * file's contest of up to N, the votes laid out one candidate after another and dealt column by column.
   */
  private record Quotas(Election.Contest contest, int voters, long[] quotas, long stride, boolean dealt) {
    int choiceAt(long position) {
      long upTo = 0;
      for (int i = 0; i < quotas.length; i++) {
        upTo += quotas[i];
        if (position < upTo) {
          return i;
        }
      }
      throw new IllegalStateException("position " + position + " beyond " + voters);
    }

    boolean blank(int choice) {
      return choice == contest.candidates().size();
    }

    long total() {
      long total = 0;
      for (int i = 0; i < contest.candidates().size(); i++) {
        total += quotas[i];
      }
      return total;
    }
  }

  /** What a county must end with in one contest: votes per candidate and ballots the contest was on. */
  record Expected(long[] votes, long ballots) {}

  private final Election election;
  private final KnownResults known;
  private final Map<String, Quotas> quotas = new ConcurrentHashMap<>();

  VotePlan(Election election, KnownResults known) {
    this.election = election;
    this.known = known;
  }

  Election election() {
    return election;
  }

  /** The planned ballot of a voter: contest ID to chosen candidate IDs; a blank contest is left out. */
  Map<String, List<String>> selections(VoterCard card) {
    var serial = VoterId.parse(card.voterId()).orElseThrow(
        () -> new IllegalArgumentException("not a voter ID: " + card.voterId())).serial();
    var selections = new LinkedHashMap<String, List<String>>();
    for (var contest : election.ballotFor(card.state())) {
      var q = quotas(card.state(), card.county(), contest);
      if (serial < 1 || serial > q.voters()) {
        throw new IllegalArgumentException(card.voterId() + " is not on the roll of " + election.id());
      }
      long position = (serial - 1) * q.stride() % q.voters();
      if (q.dealt()) {
        var dealt = new ArrayList<String>(contest.maxChoices());
        for (long vote = position; vote < q.total() && dealt.size() < contest.maxChoices(); vote += q.voters()) {
          dealt.add(contest.candidates().get(q.choiceAt(vote)).id());
        }
        if (!dealt.isEmpty()) {
          selections.put(contest.id(), dealt);
        }
        continue;
      }
      int choice = q.choiceAt(position);
      if (q.blank(choice)) {
        continue;
      }
      var candidates = contest.candidates();
      var chosen = new ArrayList<String>(2);
      chosen.add(candidates.get(choice).id());
      if (contest.maxChoices() > 1 && candidates.size() > 1 && position % 2 == 0) {
        chosen.add(candidates.get((choice + 1) % candidates.size()).id());
      }
      selections.put(contest.id(), chosen);
    }
    return selections;
  }

  /**
   * Another ballot for the same voter, different in every contest, as a voter trying to vote twice would cast: if it
   * were ever counted, the county's counts would show it.
   */
  Map<String, List<String>> other(VoterCard card) {
    var planned = selections(card);
    var other = new LinkedHashMap<String, List<String>>();
    for (var contest : election.ballotFor(card.state())) {
      var candidates = contest.candidates();
      var first = planned.getOrDefault(contest.id(), List.of());
      int index = first.isEmpty() ? -1 : candidates.indexOf(contest.candidate(first.get(0)).orElseThrow());
      other.put(contest.id(), List.of(candidates.get((index + 1) % candidates.size()).id()));
    }
    return other;
  }

  /** What the tally must show for a county in a contest once every voter of the roll has voted. */
  Expected expected(String state, String county, Election.Contest contest) {
    var q = quotas(state, county, contest);
    int k = contest.candidates().size();
    if (known.exact()) { // a results file: its counts, on every ballot of the roll
      return new Expected(java.util.Arrays.copyOf(q.quotas(), k), q.voters());
    }
    var votes = new long[k];
    long from = 0;
    for (int choice = 0; choice < k; choice++) {
      long to = from + q.quotas()[choice];
      votes[choice] += q.quotas()[choice];
      if (contest.maxChoices() > 1 && k > 1) {
        votes[(choice + 1) % k] += evensIn(from, to);
      }
      from = to;
    }
    return new Expected(votes, q.voters());
  }

  private static long evensIn(long from, long to) {
    return (to + 1) / 2 - (from + 1) / 2;
  }

  private Quotas quotas(String state, String county, Election.Contest contest) {
    return quotas.computeIfAbsent(contest.id() + "/" + county, key -> {
      var roll = election.state(state).flatMap(s -> s.county(county)).orElseThrow(
          () -> new IllegalArgumentException("no county " + county + " in " + state)).voters();
      if (known.exact()) {
        var votes = known.votes(county, contest.id()).orElse(new long[contest.candidates().size()]);
        long cast = 0;
        for (long v : votes) {
          cast += v;
        }
        boolean dealt = contest.maxChoices() > 1;
        // Choose one: the votes, then the blank for the rest of the roll. Up to N: the votes themselves, dealt.
        return new Quotas(contest, roll, withBlank(votes, dealt ? 0 : roll - cast), stride(roll), dealt);
      }
      var shares = known.votes(county, contest.id()).map(votes -> withBlank(votes, 0))
          .orElseGet(() -> madeUp(contest.candidates().size()));
      return new Quotas(contest, roll, largestRemainder(roll, shares), stride(roll), false);
    });
  }

  private static long[] withBlank(long[] votes, long blank) {
    var shares = java.util.Arrays.copyOf(votes, votes.length + 1);
    shares[votes.length] = blank;
    return shares;
  }

  private static long[] madeUp(int candidates) {
    long sum = (long) candidates * (candidates + 1) / 2;
    var shares = new long[candidates + 1];
    for (int i = 0; i < candidates; i++) {
      shares[i] = 19L * (candidates - i);
    }
    shares[candidates] = sum; // the candidates weigh 19 sums together: the blank is a twentieth of the whole
    return shares;
  }

  /** {@code n} split in proportion to {@code shares}: whole parts first, then one each to the largest remainders. */
  static long[] largestRemainder(long n, long[] shares) {
    long total = 0;
    for (long share : shares) {
      total += share;
    }
    var quotas = new long[shares.length];
    if (total == 0) {
      quotas[shares.length - 1] = n; // nothing known: every voter leaves the contest blank
      return quotas;
    }
    var remainders = new java.math.BigInteger[shares.length];
    long given = 0;
    for (int i = 0; i < shares.length; i++) {
      var exact = java.math.BigInteger.valueOf(n).multiply(java.math.BigInteger.valueOf(shares[i]));
      var parts = exact.divideAndRemainder(java.math.BigInteger.valueOf(total));
      quotas[i] = parts[0].longValueExact();
      remainders[i] = parts[1];
      given += quotas[i];
    }
    for (long left = n - given; left > 0; left--) {
      int best = -1;
      for (int i = 0; i < shares.length; i++) {
        if (remainders[i].signum() >= 0 && (best < 0 || remainders[i].compareTo(remainders[best]) > 0)) {
          best = i;
        }
      }
      quotas[best]++;
      remainders[best] = java.math.BigInteger.ONE.negate(); // one extra voter each, at most
    }
    return quotas;
  }

  /** A stride near n / golden ratio and coprime to n, so that serials spread over every position once. */
  static long stride(long n) {
    if (n <= 2) {
      return 1;
    }
    long stride = Math.max(1, Math.round(n * 0.6180339887));
    while (gcd(stride, n) != 1) {
      stride++;
    }
    return stride;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
