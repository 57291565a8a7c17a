package io.votegate.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A load of requests on one event loop, non-blocking, in one of two shapes: <em>open</em> (a fixed rate, whatever
 * the responses do, as voters arrive on election day; latency counts from when each request was due, so a server
 * that falls behind is charged for the wait) or <em>closed</em> (a fixed number of requests always in flight, which
 * finds the most a server takes). Latencies in microseconds, successes per second of the run.
 */
final class Load {

  /** What a load did. {@code missed}: open-model requests not sent because {@code maxOutstanding} were in flight. */
  record Result(long sent, long ok, long failed, long missed, Histogram latencyMicros, Duration elapsed,
                long[] okPerSecond) {
    double okPerSecondOverall() {
      return ok / Math.max(0.001, elapsed.toNanos() / 1e9);
    }

    double p50Millis() {
      return latencyMicros.getValueAtPercentile(50) / 1000.0;
    }

    double p99Millis() {
      return latencyMicros.getValueAtPercentile(99) / 1000.0;
    }

    /** Two runs of a load as one: their counts and latencies added, the seconds of {@code later} after these. */
    Result plus(Result later) {
      var latencies = latencyMicros.copy();
      latencies.add(later.latencyMicros());
      var seconds = java.util.Arrays.copyOf(okPerSecond, okPerSecond.length + later.okPerSecond().length);
      System.arraycopy(later.okPerSecond(), 0, seconds, okPerSecond.length, later.okPerSecond().length);
      return new Result(sent + later.sent(), ok + later.ok(), failed + later.failed(), missed + later.missed(),
          latencies, elapsed.plus(later.elapsed()), seconds);
    }
  }

  private final Context context;
  private final Supplier<Future<Boolean>> request;
  private final Histogram latency = new Histogram(3_600_000_000L, 3);
  private long sent;
  private long ok;
  private long failed;
  private long missed;
  private int outstanding;
  private long[] perSecond;
  private long began;
  /**
   * Answers after this are not counted: a closed run's rate is what was answered within it, not the requests still in
   * flight at its end (up to {@code concurrency} of them, a bias that grows as runs get shorter).
   */
  private long countsUntil = Long.MAX_VALUE;

  /** {@code request} sends one request and completes with whether it got the answer it wanted. */
  Load(Context context, Supplier<Future<Boolean>> request) {
    this.context = context;
    this.request = request;
  }

  /** Requests at {@code rate} per second for {@code duration}, at most {@code maxOutstanding} in flight. */
  Future<Result> open(double rate, Duration duration, int maxOutstanding) {
    var done = Promise.<Result>promise();
    context.runOnContext(v -> {
      start(duration);
      var end = began + duration.toNanos();
      var vertx = context.owner();
      vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        long due = (long) (rate * Math.min(now - began, end - began) / 1e9);
        while (sent + missed < due) {
          long dueAt = began + (long) ((sent + missed) * 1e9 / rate);
          if (outstanding >= maxOutstanding) {
            missed++;
          } else {
            send(dueAt);
          }
        }
        if (now >= end) {
          vertx.cancelTimer(id);
          finish(done, duration);
        }
      });
    });
    return done.future();
  }

  /** {@code concurrency} requests always in flight for {@code duration}: the most the server takes. */
  Future<Result> closed(int concurrency, Duration duration) {
    var done = Promise.<Result>promise();
    context.runOnContext(v -> {
      start(duration);
      var end = began + duration.toNanos();
      countsUntil = end;
      for (int i = 0; i < concurrency; i++) {
        loop(end);
      }
      context.owner().setTimer(duration.toMillis(), id -> finish(done, duration));
    });
    return done.future();
  }

  private void loop(long end) {
    if (System.nanoTime() < end) {
      send(System.nanoTime()).onComplete(r -> loop(end));
    }
  }

  private void start(Duration duration) {
    perSecond = new long[(int) duration.toSeconds() + 2];
    began = System.nanoTime();
  }

  private Future<Boolean> send(long dueAt) {
    sent++;
    outstanding++;
    Future<Boolean> answered;
    try {
      answered = request.get();
    } catch (RuntimeException e) {
      answered = Future.failedFuture(e); // e.g. the roll has no fresh voter left: a failed request, not a stuck load
    }
    return answered.andThen(answer -> {
      outstanding--;
      long now = System.nanoTime();
      if (now > countsUntil) {
        return;
      }
      if (answer.succeeded() && answer.result()) {
        ok++;
        latency.recordValue(Math.max(0, (now - dueAt) / 1_000));
        int second = (int) ((now - began) / 1_000_000_000L);
        if (second < perSecond.length) {
          perSecond[second]++;
        }
      } else {
        failed++;
      }
    });
  }

  /** Waits (up to 30 s) for the requests still in flight, then reports. */
  private void finish(Promise<Result> done, Duration duration) {
    var vertx = context.owner();
    long deadline = System.nanoTime() + 30_000_000_000L;
    vertx.setPeriodic(10, id -> {
      if (outstanding == 0 || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        done.complete(new Result(sent, ok, failed, missed, latency.copy(), duration, perSecond.clone()));
      }
    });
  }

  /** Successes so far; read on this load's event loop. */
  long ok() {
    return ok;
  }
}
