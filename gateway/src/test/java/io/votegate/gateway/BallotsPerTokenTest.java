package io.votegate.gateway;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.votegate.platform.Problem;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One loop's count of ballots per token ({@link RateLimits#submission}), at a window's worth of tokens: every token
 * gets its limit or one fewer where the filter in front mistakes its first ballot for a second, never one more.
 */
class BallotsPerTokenTest {
  private static final int MAX = 10;
  private static final Duration WINDOW = Duration.ofSeconds(10);

  /** A clock the test moves. */
  private static final class Hands extends Clock {
    long millis = Instant.parse("2026-11-03T14:00:00Z").toEpochMilli();

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private final Hands clock = new Hands();
  private final RateLimits limits = new RateLimits(null, new ConcurrentHashMap<>(), new GatewayConfig.Limits(
      new GatewayConfig.Limit(5, Duration.ofMinutes(15)), new GatewayConfig.Limit(50, Duration.ofMinutes(15)),
      new GatewayConfig.Limit(MAX, WINDOW)), new SimpleMeterRegistry(), clock);

  @Test
  void aQuarterOfAMillionTokensEachGetTheirLimitOrOneFewerNeverMore() {
    var receipts = receipts(250_000, 1);
    var accepted = new int[receipts.length];
    for (int round = 0; round < MAX + 2; round++) {
      for (int t = 0; t < receipts.length; t++) {
        if (accepts(receipts[t])) {
          accepted[t]++;
        }
      }
    }
    int short1 = 0;
    for (int t = 0; t < receipts.length; t++) {
      assertTrue(accepted[t] == MAX || accepted[t] == MAX - 1, "token " + t + " accepted " + accepted[t]);
      short1 += accepted[t] == MAX - 1 ? 1 : 0;
    }
    // A filter of 4 Mibit, three bits a token: 0.44 % of the last of a quarter of a million tokens are mistaken,
    // fewer of the earlier ones (289 in all, 0.12 %, with these receipts).
    assertTrue(short1 < receipts.length / 100, short1 + " tokens got one fewer");
  }

  @Test
  void everyFirstBallotIsTakenAndALimitedTokenWaitsForTheNextWindow() {
    for (var receipt : receipts(300_000, 2)) {
      assertTrue(accepts(receipt));
    }
    var flooding = receipts(1, 3)[0];
    for (int i = 0; i < MAX; i++) {
      assertTrue(accepts(flooding), "submission " + (i + 1));
    }
    clock.millis += 4_000;
    var refused = assertThrows(Problem.class, () -> limits.submission(flooding));
    assertEquals(429, refused.status());
    assertEquals(6, refused.retryAfterSeconds()); // what is left of the window
    clock.millis += 6_000;
    assertTrue(accepts(flooding));
  }

  private boolean accepts(String receipt) {
    try {
      limits.submission(receipt);
      return true;
    } catch (Problem tooMany) {
      assertEquals(429, tooMany.status());
      return false;
    }
  }

  /** Receipts as the gateway makes them: 32 characters of base64url. */
  private static String[] receipts(int n, long seed) {
    var random = new Random(seed);
    var receipts = new String[n];
    var bytes = new byte[24];
    for (int i = 0; i < n; i++) {
      random.nextBytes(bytes);
      receipts[i] = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
    return receipts;
  }
}
