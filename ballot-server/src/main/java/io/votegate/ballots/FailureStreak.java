package io.votegate.ballots;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A batch that keeps failing: how long to back off before the next attempt, and when the failure is an alarm rather
 * than a blip. Acknowledged ballots wait while a batch fails, so a streak must be visible to a readiness probe
 * within a minute, however long each attempt takes: the alarm rings after {@link #ALARM_AFTER} failures in a row or
 * once the streak is {@link #ALARM_WITHIN} old, whichever comes first.
 */
final class FailureStreak {
  static final int ALARM_AFTER = 3;
  static final Duration ALARM_WITHIN = Duration.ofSeconds(30);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private int failures;
  private Instant since;
  private String lastCause;
  private int batchSize;

  /** Records a failed attempt; returns how long to wait before the next one (doubling, capped). */
  synchronized Duration failed(int batchSize, Throwable cause, Instant now) {
    if (failures == 0) {
      since = now;
    }
    failures++;
    this.batchSize = batchSize;
    lastCause = cause.toString();
    var backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 10));
    return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
  }

  synchronized void succeeded() {
    failures = 0;
    since = null;
    lastCause = null;
  }

  synchronized int failures() {
    return failures;
  }

  synchronized boolean alarming(Instant now) {
    return failures >= ALARM_AFTER
        || (failures > 0 && Duration.between(since, now).compareTo(ALARM_WITHIN) >= 0);
  }

  /** Why the service is not ready, while the alarm rings. */
  synchronized Optional<String> alarm(Instant now) {
    if (!alarming(now)) {
      return Optional.empty();
    }
    return Optional.of("a batch of %d ballots has failed %d times in a row for %d s, ballots wait undecided (last: %s)"
        .formatted(batchSize, failures, Duration.between(since, now).toSeconds(), lastCause));
  }
}
