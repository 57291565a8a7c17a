package io.votegate.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.votegate.platform.Problem;

import java.util.ArrayList;
import java.util.List;

/**
 * API.md's rate limits, counted in Redis so that every gateway replica sees the same counts: fixed windows, each
 * counter expiring by itself a window after its first event. Each check is one short Lua script, so that the reading,
 * counting and expiry of a key are one atomic step on the loop's pipelined {@link RedisLink}.
 */
final class RateLimits {
  /** The longest wait among the keys that have reached their limit, in ms (0 if none has), and that key's number. */
  private static final String PEEK = """
      local wait, which = 0, 0
      for i, key in ipairs(KEYS) do
        if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[i]) then
          local ttl = redis.call('PTTL', key)
          if ttl > wait then wait, which = ttl, i end
        end
      end
      return {wait, which}""";

  /** Counts one event on every key (ARGV: limit, window in ms, per key); returns as PEEK does, after counting. */
  private static final String HIT = """
      local wait, which = 0, 0
      for i, key in ipairs(KEYS) do
        local count = redis.call('INCR', key)
        if count == 1 then redis.call('PEXPIRE', key, ARGV[2 * i]) end
        if count > tonumber(ARGV[2 * i - 1]) then
          local ttl = redis.call('PTTL', key)
          if ttl > wait then wait, which = ttl, i end
        end
      end
      return {wait, which}""";

  private final RedisLink redis;
  private final GatewayConfig.Limits limits;
  private final MeterRegistry registry;

  RateLimits(RedisLink redis, GatewayConfig.Limits limits, MeterRegistry registry) {
    this.redis = redis;
    this.limits = limits;
    this.registry = registry;
  }

  /** The counters one sign-in is judged by: its voter ID's (if it can be one) and its client address's. */
  record SignIn(String voterId, String address) {}

  /**
   * Fails with 429 if the voter ID or the address has used up its failures; with another error if Redis could not
   * tell, which the caller decides about.
   */
  Future<Void> checkSignIn(SignIn attempt) {
    var keys = signInKeys(attempt);
    var script = Request.cmd(Command.EVAL).arg(PEEK).arg(keys.size());
    keys.forEach(k -> script.arg(k.name()));
    keys.forEach(k -> script.arg(k.limit().max()));
    return wait(script, keys);
  }

  /** Counts a failed sign-in against its voter ID and address; fails with 429 if that used up a limit. */
  Future<Void> failedSignIn(SignIn attempt) {
    return hit(signInKeys(attempt));
  }

  /** Counts one ballot submitted with a session (named by its receipt); fails with 429 past the token's limit. */
  Future<Void> submission(String receipt) {
    return hit(List.of(new Key("token", "vg:limit:token:" + receipt, limits.ballotsPerToken())));
  }

  /** A counter in Redis: {@code kind} names its limit in the metrics. */
  private record Key(String kind, String name, GatewayConfig.Limit limit) {}

  private List<Key> signInKeys(SignIn attempt) {
    var keys = new ArrayList<Key>(2);
    if (attempt.voterId() != null) {
      keys.add(new Key("voter", "vg:limit:voter:" + attempt.voterId(), limits.failuresPerVoter()));
    }
    keys.add(new Key("address", "vg:limit:address:" + attempt.address(), limits.failuresPerAddress()));
    return keys;
  }

  private Future<Void> hit(List<Key> keys) {
    var script = Request.cmd(Command.EVAL).arg(HIT).arg(keys.size());
    keys.forEach(k -> script.arg(k.name()));
    keys.forEach(k -> script.arg(k.limit().max()).arg(k.limit().window().toMillis()));
    return wait(script, keys);
  }

  private Future<Void> wait(Request script, List<Key> keys) {
    return redis.send(script).compose(answer -> {
      long waitMs = answer.get(0).toLong();
      if (waitMs <= 0) {
        return Future.succeededFuture();
      }
      registry.counter("votegate.gateway.limited", "limit", keys.get(answer.get(1).toInteger() - 1).kind()).increment();
      return Future.failedFuture(tooMany(waitMs));
    });
  }

  static Problem tooMany(long waitMs) {
    return new Problem(429, "too_many_attempts", "Too many attempts",
        "Too many attempts; try again in " + seconds(waitMs) + " seconds.", null, (int) seconds(waitMs));
  }

  private static long seconds(long ms) {
    return Math.max(1, (ms + 999) / 1000);
  }
}
