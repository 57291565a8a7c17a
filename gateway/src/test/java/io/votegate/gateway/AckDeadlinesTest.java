package io.votegate.gateway;

import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The deadlines alone: swept at chosen instants, then on a real event loop's own sweep. */
class AckDeadlinesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aBallotNotAcknowledgedInTimeFailsAsTheBreakersTimeoutAndOnlyThen() {
    var deadlines = new AckDeadlines(TIMEOUT);
    long watched = System.nanoTime();
    var unanswered = Promise.<String>promise();
    deadlines.watch(unanswered);

    deadlines.sweep(watched);
    deadlines.sweep(System.nanoTime() + TIMEOUT.toNanos() / 2);
    assertFalse(unanswered.future().isComplete(), "not before its deadline");

    deadlines.sweep(System.nanoTime() + TIMEOUT.toNanos());
    assertSame(TimeoutException.INSTANCE, unanswered.future().cause());
    assertEquals(0, deadlines.watching());
    assertFalse(unanswered.tryComplete("late"), "an acknowledgement after the deadline changes nothing");
  }

  @Test
  void anAnsweredBallotKeepsItsAnswerAndLeavesTheQueue() {
    var deadlines = new AckDeadlines(TIMEOUT);
    var acknowledged = Promise.<String>promise();
    var refused = Promise.<String>promise();
    deadlines.watch(acknowledged);
    deadlines.watch(refused);
    acknowledged.complete("receipt");
    var kafkaFailure = new IllegalStateException("not leader");
    refused.fail(kafkaFailure);

    deadlines.sweep(System.nanoTime() + 2 * TIMEOUT.toNanos());
    assertEquals("receipt", acknowledged.future().result());
    assertSame(kafkaFailure, refused.future().cause());
    assertEquals(0, deadlines.watching());
  }

  @Test
  void theSweepStopsAtTheFirstBallotStillInTime() {
    var deadlines = new AckDeadlines(TIMEOUT);
    var waiting = Promise.<String>promise();
    var answeredAfter = Promise.<String>promise();
    deadlines.watch(waiting);
    deadlines.watch(answeredAfter);
    answeredAfter.complete("receipt");

    deadlines.sweep(System.nanoTime());
    assertEquals(2, deadlines.watching(), "the head is still in time; what follows waits behind it");
    waiting.complete("receipt");
    deadlines.sweep(System.nanoTime());
    assertEquals(0, deadlines.watching());
  }

  @Test
  void eachEventLoopSweepsItsOwnDeadlines() throws Exception {
    var failed = new CompletableFuture<Throwable>();
    var context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      var deadlines = AckDeadlines.of(context, Duration.ofMillis(200));
      assertSame(deadlines, AckDeadlines.of(context, Duration.ofMillis(200)), "one per loop");
      var unanswered = Promise.<String>promise();
      unanswered.future().onFailure(failed::complete);
      deadlines.watch(unanswered);
    });
    assertSame(TimeoutException.INSTANCE, failed.get(10, TimeUnit.SECONDS));
  }
}
