package io.votegate.gateway;

import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The time Kafka has to acknowledge a ballot, kept for every ballot an event loop sends by one sweep of that loop,
 * ten times a second, instead of a timer per ballot: the circuit breaker's own timeout set and cancelled a Vert.x
 * timer for every call (a concurrent map and Netty's timer heap, both ways), 8 % of the gateway's event-loop samples
 * in an intake phase of {@code bench}. Every deadline is as long as the others, so they fall due in the order they
 * were set, and the sweep reads the queue from its head. A ballot past its deadline fails with the breaker's
 * {@link TimeoutException}, so the breaker counts it as before; its acknowledgement, if it comes later, is ignored.
 * Used on its event loop only.
 */
final class AckDeadlines {
  private static final long SWEEP_MILLIS = 100;

  private record Watched(long deadline, Promise<?> promise) {}

  private final long timeoutNanos;
  private final ArrayDeque<Watched> watched = new ArrayDeque<>();

  AckDeadlines(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /** The deadlines of {@code context}'s event loop, swept from the first ballot it sends on. */
  static AckDeadlines of(Context context, Duration timeout) {
    AckDeadlines deadlines = context.get(AckDeadlines.class);
    if (deadlines == null) {
      deadlines = new AckDeadlines(timeout);
      context.put(AckDeadlines.class, deadlines);
      var sweeping = deadlines;
      context.owner().setPeriodic(SWEEP_MILLIS, id -> sweeping.sweep(System.nanoTime()));
    }
    return deadlines;
  }

  /** Fails {@code promise} with a {@link TimeoutException} if it is not complete within the timeout. */
  void watch(Promise<?> promise) {
    watched.addLast(new Watched(System.nanoTime() + timeoutNanos, promise));
  }

  /** Drops the answered ballots at the head of the queue and fails those past their deadline, up to the first neither. */
  void sweep(long now) {
    while (!watched.isEmpty()) {
      var head = watched.peekFirst();
      if (!head.promise().future().isComplete() && now - head.deadline() < 0) {
        return;
      }
      watched.pollFirst();
      head.promise().tryFail(TimeoutException.INSTANCE);
    }
  }

  int watching() {
    return watched.size();
  }
}
