package io.votegate.ballots;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

class FailureStreakTest {
  private static final Instant T0 = Instant.parse("2026-11-03T12:00:00Z");
  private final FailureStreak streak = new FailureStreak();

  @Test
  void backOffDoublesFromHalfASecondAndStopsGrowingAtTenSeconds() {
    var backoffs = new long[8];
    for (int i = 0; i < backoffs.length; i++) {
      backoffs[i] = streak.failed(100, new RuntimeException("x"), T0).toMillis();
    }
    assertArrayEquals(new long[] {500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000}, backoffs);
  }

  @Test
  void aFailureIsABlipUntilItRepeatsThreeTimes() {
    streak.failed(2_000, new RuntimeException("Redis waiting queue is full"), T0);
    streak.failed(2_000, new RuntimeException("Redis waiting queue is full"), T0.plusSeconds(1));
    assertTrue(streak.alarm(T0.plusSeconds(2)).isEmpty());
    streak.failed(2_000, new RuntimeException("Redis waiting queue is full"), T0.plusSeconds(3));
    var alarm = streak.alarm(T0.plusSeconds(4)).orElseThrow();
    assertTrue(alarm.contains("batch of 2000 ballots has failed 3 times in a row"), alarm);
    assertTrue(alarm.contains("Redis waiting queue is full"), alarm);
  }

  @Test
  void oneSlowFailureRingsTheAlarmOnceTheStreakIsThirtySecondsOld() {
    streak.failed(10, new RuntimeException("timeout"), T0);
    assertTrue(streak.alarm(T0.plus(FailureStreak.ALARM_WITHIN).minusSeconds(1)).isEmpty());
    assertTrue(streak.alarm(T0.plus(FailureStreak.ALARM_WITHIN)).isPresent());
  }

  @Test
  void aCommittedBatchEndsTheStreak() {
    for (int i = 0; i < 5; i++) {
      streak.failed(10, new RuntimeException("down"), T0);
    }
    streak.succeeded();
    assertEquals(0, streak.failures());
    assertTrue(streak.alarm(T0.plus(Duration.ofMinutes(5))).isEmpty());
    assertEquals(500, streak.failed(10, new RuntimeException("again"), T0).toMillis());
  }
}
