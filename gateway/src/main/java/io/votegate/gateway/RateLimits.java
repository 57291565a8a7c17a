package io.votegate.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.votegate.platform.Problem;
import org.agrona.collections.Long2LongHashMap;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

/**
 * API.md's rate limits. Failed sign-ins are counted in Redis, so that every gateway replica sees the same counts:
 * fixed windows, each counter expiring by itself a window after its first failure, counted by one short Lua script
 * (by its SHA) on the loop's pipelined {@link RedisLink}. Only failures go to Redis: when a count reaches its limit,
 * this loop remembers the key as limited until its counter expires, and refuses every sign-in it concerns, right code
 * or not, without asking Redis. So a voter with the right code costs no round trip, and a guesser past a limit learns
 * nothing. The limited keys are shared by the process's loops; another replica learns a key at its own first failure
 * there, so a guesser spreading over replicas gains at most one guess per replica per window.
 *
 * <p>Ballots per token are counted here, in this loop's memory, per window: a token's submissions are idempotent
 * (same receipt, counted once), so this limit is against floods, which one loop's count stops as well as a shared
 * one, without a Redis round trip on every ballot.
 */
final class RateLimits {
  /**
   * Counts one failure on every key (ARGV: limit, window in ms, per key); returns per key its count and the ms until
   * its counter expires.
   */
  private static final String HIT = """
      local answer = {}
      for i, key in ipairs(KEYS) do
        local count = redis.call('INCR', key)
        if count == 1 then redis.call('PEXPIRE', key, ARGV[2 * i]) end
        answer[2 * i - 1] = count
        answer[2 * i] = redis.call('PTTL', key)
      end
      return answer""";
  private static final String HIT_SHA = sha1(HIT);
  /** Past this many remembered keys, expired ones are swept out before another is added. */
  private static final int SWEEP_AT = 10_000;

  private final RedisLink redis;
  private final GatewayConfig.Limits limits;
  private final MeterRegistry registry;
  private final Clock clock;
  /** Keys that reached their limit, with when their counter expires (epoch ms): shared by the process's loops. */
  private final ConcurrentMap<String, Long> limitedUntil;
  /**
   * The tokens seen in the current window, as a Bloom filter of 4 Mibit (512 KiB, three bits a token): nearly every
   * token submits once, and this answers "first time?" from the core's own cache. Counting every token in one map
   * instead (a quarter of a million tokens a loop per window, 8 MiB of table) cost a cache miss a ballot: 4 % of the
   * gateway loops' samples at 1,024 ballots at once.
   */
  private final long[] seen = new long[1 << 16];
  /**
   * Submissions of the tokens seen again in the current window (keyed by {@link #tokenKey}), counting the first.
   * Open addressing on long keys, cleared and reused each window.
   */
  private final Long2LongHashMap resubmissions = new Long2LongHashMap(1 << 10, 0.6f, 0);
  private long submissionsWindowEnds;

  RateLimits(RedisLink redis, ConcurrentMap<String, Long> limitedUntil, GatewayConfig.Limits limits,
             MeterRegistry registry, Clock clock) {
    this.redis = redis;
    this.limitedUntil = limitedUntil;
    this.limits = limits;
    this.registry = registry;
    this.clock = clock;
  }

  /** The counters one sign-in is judged by: its voter ID's (if it can be one) and its client address's. */
  record SignIn(String voterId, String address) {}

  /** Throws 429 if the voter ID or the address is known to have used up its failures; asks nothing of Redis. */
  void checkSignIn(SignIn attempt) {
    long now = clock.millis();
    for (var key : signInKeys(attempt)) {
      var until = limitedUntil.get(key.name());
      if (until != null) {
        if (until > now) {
          throw tooMany(key, until - now);
        }
        limitedUntil.remove(key.name(), until);
      }
    }
  }

  /**
   * Counts a failed sign-in against its voter ID and address. Fails with 429 if that took a count past its limit (a
   * guess this loop could not yet know to refuse); with another error if Redis could not count it.
   */
  Future<Void> failedSignIn(SignIn attempt) {
    var keys = signInKeys(attempt);
    return redis.send(hitScript(Command.EVALSHA, HIT_SHA, keys))
        .recover(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT") // Redis restarted: load it again
            ? redis.send(hitScript(Command.EVAL, HIT, keys))
            : Future.failedFuture(e))
        .compose(answer -> {
          long now = clock.millis();
          Problem past = null;
          for (int i = 0; i < keys.size(); i++) {
            var key = keys.get(i);
            long count = answer.get(2 * i).toLong();
            long ttl = answer.get(2 * i + 1).toLong();
            if (count >= key.limit().max()) {
              remember(key.name(), now + Math.max(ttl, 1_000));
            }
            if (count > key.limit().max() && past == null) {
              past = tooMany(key, ttl);
            }
          }
          return past == null ? Future.succeededFuture() : Future.failedFuture(past);
        });
  }

  /**
   * Throws 429 past the token's (named by its receipt) submissions in this window. The filter may take a token's first
   * submission for a second, so such a token gets one fewer, never one more: at a quarter of a million tokens a
   * window, 0.12 % of them, and 0.44 % of the last ones as the filter fills.
   */
  void submission(String receipt) {
    long now = clock.millis();
    if (now >= submissionsWindowEnds) {
      java.util.Arrays.fill(seen, 0);
      resubmissions.clear(); // keeps its capacity, so a busy window does not grow it again from small
      submissionsWindowEnds = now + limits.ballotsPerToken().window().toMillis();
    }
    long key = tokenKey(receipt);
    if (firstSeen(key)) {
      return;
    }
    long count = resubmissions.get(key);
    count = count == 0 ? 2 : count + 1;
    resubmissions.put(key, count);
    if (count > limits.ballotsPerToken().max()) {
      throw tooMany(new Key("token", receipt, limits.ballotsPerToken()), submissionsWindowEnds - now);
    }
  }

  /** Sets the token's three bits in {@link #seen}; true if one of them was not yet set. */
  private boolean firstSeen(long key) {
    // The key's characters are base64url, so its bits are far from even: mixed first (MurmurHash3's finaliser),
    // its two halves are the two hashes of double hashing.
    long hash = (key ^ key >>> 33) * 0xff51afd7ed558ccdL;
    hash = (hash ^ hash >>> 33) * 0xc4ceb9fe1a85ec53L;
    hash ^= hash >>> 33;
    int first = (int) hash;
    int step = (int) (hash >>> 32) | 1;
    boolean unseen = false;
    for (int i = 0; i < 3; i++) {
      int bit = (first + i * step) & (seen.length * 64 - 1);
      long mask = 1L << bit; // a shift takes its distance modulo 64: the bit within its word
      if ((seen[bit >>> 6] & mask) == 0) {
        seen[bit >>> 6] |= mask;
        unseen = true;
      }
    }
    return unseen;
  }

  /**
   * A token's key: its receipt's first 9 characters, 7 bits each. They are base64url of an HMAC, so 54 random bits:
   * two of a window's tokens share a count with odds of about 1 in 600,000 at 250,000 tokens, and then only
   * their combined submissions are limited.
   */
  static long tokenKey(String receipt) {
    long key = 0;
    for (int i = 0; i < 9; i++) {
      key = key << 7 | receipt.charAt(i);
    }
    return key;
  }

  /** A counter: {@code kind} names its limit in the metrics. */
  private record Key(String kind, String name, GatewayConfig.Limit limit) {}

  private List<Key> signInKeys(SignIn attempt) {
    var keys = new ArrayList<Key>(2);
    if (attempt.voterId() != null) {
      keys.add(new Key("voter", "vg:limit:voter:" + attempt.voterId(), limits.failuresPerVoter()));
    }
    keys.add(new Key("address", "vg:limit:address:" + attempt.address(), limits.failuresPerAddress()));
    return keys;
  }

  private void remember(String key, long until) {
    if (limitedUntil.size() >= SWEEP_AT) {
      long now = clock.millis();
      limitedUntil.values().removeIf(end -> end <= now);
    }
    limitedUntil.merge(key, until, Math::max);
  }

  private static Request hitScript(Command command, String script, List<Key> keys) {
    var request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(k -> request.arg(k.name()));
    keys.forEach(k -> request.arg(k.limit().max()).arg(k.limit().window().toMillis()));
    return request;
  }

  private static String sha1(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Problem tooMany(Key limited, long waitMs) {
    registry.counter("votegate.gateway.limited", "limit", limited.kind()).increment();
    long seconds = Math.max(1, (waitMs + 999) / 1000);
    return new Problem(429, "too_many_attempts", "Too many attempts",
        "Too many attempts; try again in " + seconds + " seconds.", null, (int) seconds);
  }
}
