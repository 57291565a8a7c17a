package io.votegate.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.votegate.model.Election;
import io.votegate.model.VoterCard;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Replays an election against a running Votegate, as its voters would: every voter on the cards signs in and casts
 * the ballot the {@link VotePlan} gives them; some try to vote again ({@code duplicates}), some requests are bad on
 * purpose ({@code bad}). Then it waits for the pipeline to drain and reconciles: each county's tally against the
 * plan, each receipt against what it must say. Memory does not grow with the roll: cards are streamed, and only
 * receipts still waiting for their decision are held.
 */
public final class Simulation {

  /** What to replay, against what, how fast. {@code rate} 0 is as fast as the system takes ballots. */
  /** {@code results}, if not null, is a results file the counts must end at (see {@link KnownResults#fromCsv}). */
  public record Options(Election election, Path cards, URI gateway, URI tally, double rate, double duplicates,
                        double bad, int concurrency, Duration drainTimeout, PrintStream out, boolean interactive,
                        Path results) {
    public Options {
      if (rate < 0 || duplicates < 0 || bad < 0 || concurrency < 1) {
        throw new IllegalArgumentException("rate, duplicates and bad must be >= 0 and concurrency >= 1");
      }
    }
  }

  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);
  private static final Duration FIRST_CHECK_AFTER = Duration.ofSeconds(1);
  private static final Duration RECHECK_AFTER = Duration.ofSeconds(2);
  private static final int MAX_PENDING_CHECKS = 200_000;
  private static final int EXAMPLES = 10;

  /** A receipt to read back, and what it must end as. */
  private record Check(String receipt, String county, boolean duplicate, long dueNanos) {}

  private final Options options;
  private final VotePlan plan;
  private final Progress progress;
  private Vertx vertx;
  private Context context;
  private VotegateHttp http;

  // Confined to the simulation's event loop.
  private final BlockingQueue<VoterCard> cards = new ArrayBlockingQueue<>(10_000);
  private volatile boolean cardsDone;
  private final ArrayDeque<Check> checks = new ArrayDeque<>();
  private final Counters counters = new Counters();
  private final Map<String, Long> countedReceipts = new HashMap<>();
  private final List<String> problems = new ArrayList<>();
  private int votersInFlight;
  private int checksInFlight;
  private int badInFlight;
  private double tokens;
  private long lastRefill;
  private double duplicateCredit;
  private double badCredit;
  private String lastToken;
  private String lastVoterId;
  /** When a ballot was last acknowledged or a receipt last decided: a drain that stops moving is given up. */
  private long lastProgress = System.nanoTime();
  private final CountDownLatch voted = new CountDownLatch(1);

  public Simulation(Options options) throws java.io.IOException {
    this(options, new VotePlan(options.election(), options.results() != null
        ? KnownResults.fromCsv(options.results(), options.election())
        : KnownResults.forElection(options.election().id())));
  }

  Simulation(Options options, VotePlan plan) {
    this.options = options;
    this.plan = plan;
    this.progress = new Progress(options.out(), options.interactive());
  }

  /** Runs the whole simulation; the report says whether everything reconciled. */
  public Report run() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setPreferNativeTransport(true));
    context = vertx.getOrCreateContext();
    try (var roll = VoterCards.open(options.cards())) {
      http = new VotegateHttp(context, options.concurrency() + 16);
      var baseline = start(roll.total());
      var feeder = new Thread(() -> feed(roll), "simulate-cards");
      feeder.setDaemon(true);
      long began = System.nanoTime();
      var timers = onLoop(() -> {
        lastRefill = System.nanoTime();
        return List.of(vertx.setPeriodic(5, id -> pump()), vertx.setPeriodic(1_000, id -> report(baseline, began)));
      });
      feeder.start();
      voted.await();
      var castFor = Duration.ofNanos(System.nanoTime() - began);
      var counted = drain(baseline);
      onLoop(() -> timers.stream().map(vertx::cancelTimer).toList());
      progress.finish();
      return reconcile(castFor, counted);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Checks that the system serves this election and has no ballots yet; returns the tally's sequence. */
  private long start(long voters) {
    var election = options.election();
    var published = await(http.get(options.gateway(), "/api/v1/election"), "the gateway at " + options.gateway());
    if (published.status() != 200 || !election.id().equals(published.json().getString("id"))) {
      throw new IllegalStateException("the gateway at " + options.gateway() + " does not serve election "
          + election.id() + ": " + published);
    }
    var snapshot = snapshot("national");
    if (!election.id().equals(snapshot.getString("electionId"))) {
      throw new IllegalStateException("the tally at " + options.tally() + " counts election "
          + snapshot.getString("electionId") + ", not " + election.id());
    }
    long sequence = snapshot.getLong("sequence");
    if (sequence != 0) {
      throw new IllegalStateException("election " + election.id() + " already has " + sequence + " counted ballots: "
          + "a simulation replays a whole election, so it needs a fresh one (another --data directory)");
    }
    if (voters != election.voters()) {
      throw new IllegalStateException(options.cards() + " holds " + voters + " cards, the roll of " + election.id()
          + " " + election.voters());
    }
    options.out().printf("Simulating %s: %,d voters, %s, %.0f%% trying twice, %.1f%% bad requests%n", election.id(),
        voters, options.rate() == 0 ? "as fast as the system takes them" : "%,.0f ballots/s".formatted(options.rate()),
        options.duplicates() * 100, options.bad() * 100);
    return sequence;
  }

  private void feed(VoterCards roll) {
    try {
      while (roll.hasNext()) {
        cards.put(roll.next());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      context.runOnContext(v -> problems.add("reading the cards failed: " + e.getMessage()));
    } finally {
      cardsDone = true;
    }
  }

  // --- casting, on the event loop ---------------------------------------------------------------------------------

  private void pump() {
    refill();
    while (votersInFlight < options.concurrency() && checks.size() < MAX_PENDING_CHECKS
        && (options.rate() == 0 || tokens >= 1)) {
      var card = cards.poll();
      if (card == null) {
        break;
      }
      tokens--;
      vote(card);
    }
    runChecks();
    if (cardsDone && cards.isEmpty() && votersInFlight == 0 && badInFlight == 0) {
      if (checks.isEmpty() && checksInFlight == 0) {
        voted.countDown();
      } else if (voted.getCount() > 0 && System.nanoTime() - lastProgress > options.drainTimeout().toNanos()) {
        problems.add(checks.size() + checksInFlight + " receipts still pending: no decision for "
            + options.drainTimeout().toSeconds() + " s");
        voted.countDown();
      }
    }
  }

  private void refill() {
    long now = System.nanoTime();
    if (options.rate() > 0) {
      tokens = Math.min(tokens + options.rate() * (now - lastRefill) / 1e9, Math.max(1, options.rate() / 20));
    }
    lastRefill = now;
  }

  private void vote(VoterCard card) {
    votersInFlight++;
    counters.sent++;
    var ballot = VotegateHttp.ballotJson(plan.selections(card));
    signIn(card)
        .compose(token -> {
          lastToken = token;
          lastVoterId = card.voterId();
          return submit(token, ballot);
        })
        .compose(receipt -> {
          counters.acknowledged++;
          lastProgress = System.nanoTime();
          checks.add(new Check(receipt, card.county(), false, System.nanoTime() + FIRST_CHECK_AFTER.toNanos()));
          return tryTwice(card);
        })
        .onFailure(e -> {
          counters.failed++;
          example("voter " + card.voterId() + " could not vote: " + e.getMessage());
        })
        .onComplete(done -> {
          votersInFlight--;
          sendBad();
        });
  }

  /** A voter who already has a 202 signs in again and casts another ballot: it must end rejected, already voted. */
  private Future<?> tryTwice(VoterCard card) {
    duplicateCredit += options.duplicates();
    if (duplicateCredit < 1) {
      return Future.succeededFuture();
    }
    duplicateCredit--;
    counters.duplicates++;
    var other = VotegateHttp.ballotJson(plan.other(card));
    return signIn(card).compose(token -> submit(token, other)).onSuccess(receipt -> {
      counters.duplicatesAcknowledged++;
      checks.add(new Check(receipt, card.county(), true, System.nanoTime() + FIRST_CHECK_AFTER.toNanos()));
    });
  }

  private Future<String> signIn(VoterCard card) {
    var body = new JsonObject().put("voterId", card.voterId()).put("code", card.code()).encode();
    return retrying(() -> http.postJson(options.gateway(), "/api/v1/sessions", null, body), 201, "sign-in")
        .map(reply -> reply.json().getString("token"));
  }

  private Future<String> submit(String token, String ballot) {
    // A retry with the same token is the same submission: the gateway gives it the same receipt, and the
    // ballot-server counts it once.
    return retrying(() -> http.postJson(options.gateway(), "/api/v1/ballots", token, ballot), 202, "ballot")
        .map(reply -> reply.json().getString("receipt"));
  }

  /** Retries what the system asks to retry (429, 503, a lost connection) for up to two minutes. */
  private Future<VotegateHttp.Reply> retrying(Supplier<Future<VotegateHttp.Reply>> call, int success, String what) {
    var result = Promise.<VotegateHttp.Reply>promise();
    attempt(call, success, what, System.nanoTime() + GIVE_UP_AFTER.toNanos(), result);
    return result.future();
  }

  private void attempt(Supplier<Future<VotegateHttp.Reply>> call, int success, String what, long deadline,
                       Promise<VotegateHttp.Reply> result) {
    call.get().onComplete(done -> {
      long retryIn;
      if (done.succeeded() && done.result().status() == success) {
        result.complete(done.result());
        return;
      } else if (done.succeeded() && done.result().status() != 429 && done.result().status() != 503) {
        result.fail(what + " answered " + done.result());
        return;
      } else if (done.succeeded()) {
        counters.retried++;
        if (done.result().status() == 429) {
          counters.limited++; // a voter doing nothing wrong met a rate limit
        }
        retryIn = done.result().retryAfterSeconds() * 1_000L;
      } else {
        counters.retried++;
        retryIn = 500;
      }
      if (System.nanoTime() + retryIn * 1_000_000 > deadline) {
        result.fail(what + " still failing after " + GIVE_UP_AFTER.toSeconds() + " s: "
            + (done.succeeded() ? done.result() : done.cause().toString()));
        return;
      }
      vertx.setTimer(retryIn, id -> attempt(call, success, what, deadline, result));
    });
  }

  /** One bad request per {@code 1/bad} voters, the catalogue's kinds in turn; each must get its documented 4xx. */
  private void sendBad() {
    badCredit += options.bad();
    while (badCredit >= 1) {
      badCredit--;
      var request = BadRequests.nth(counters.bad++, lastVoterId == null ? "DE10001-00000001" : lastVoterId, lastToken);
      badInFlight++;
      http.send(request.method(), options.gateway(), request.path(), request.headers(), request.body())
          .onComplete(done -> {
            badInFlight--;
            if (done.succeeded() && request.kind().answers().contains(done.result().status())) {
              counters.badRefused++;
            } else {
              example("bad request '" + request.kind().name() + "' got "
                  + (done.succeeded() ? done.result() : done.cause().toString()) + ", expected "
                  + request.kind().answers());
            }
          });
    }
  }

  // --- reading receipts back -------------------------------------------------------------------------------------

  private void runChecks() {
    if (voted.getCount() == 0) {
      return; // given up waiting: the receipts still pending are reported
    }
    long now = System.nanoTime();
    int limit = Math.max(8, options.concurrency() / 2);
    while (checksInFlight < limit && !checks.isEmpty() && checks.peek().dueNanos() <= now) {
      var check = checks.poll();
      checksInFlight++;
      http.get(options.gateway(), "/api/v1/receipts/" + check.receipt()).onComplete(done -> {
        checksInFlight--;
        if (done.failed() || done.result().status() == 503) {
          checks.add(recheck(check));
          return;
        }
        if (done.result().status() != 200) {
          example("receipt " + check.receipt() + " answered " + done.result());
          return;
        }
        var status = done.result().json();
        if (!"pending".equals(status.getString("status"))) {
          lastProgress = System.nanoTime();
        }
        switch (status.getString("status")) {
          case "pending" -> checks.add(recheck(check));
          case "counted" -> {
            if (check.duplicate()) {
              counters.duplicatesCounted++;
              example("a second ballot was counted: receipt " + check.receipt());
            } else {
              counters.receiptsCounted++;
              countedReceipts.merge(check.county(), 1L, Long::sum);
            }
          }
          default -> {
            if (check.duplicate() && "already_voted".equals(status.getString("reason"))) {
              counters.duplicatesRejected++;
            } else {
              counters.wronglyRejected++;
              example("receipt " + check.receipt() + (check.duplicate() ? " (a second ballot)" : "") + " ended "
                  + status.encode());
            }
          }
        }
      });
    }
  }

  private static Check recheck(Check check) {
    return new Check(check.receipt(), check.county(), check.duplicate(), System.nanoTime() + RECHECK_AFTER.toNanos());
  }

  private void example(String problem) {
    counters.problems++;
    if (problems.size() < EXAMPLES) {
      problems.add(problem);
    }
  }

  // --- progress, drain, reconciliation ------------------------------------------------------------------------------

  private long lastAcknowledged;
  private long lastCounted;

  private boolean reporting;

  private void report(long baseline, long began) {
    if (reporting) {
      return; // the last second's read has not come back: no pile of reads on a slow tally
    }
    reporting = true;
    snapshotAsync("national").onComplete(read -> reporting = false).onSuccess(snapshot -> {
      lastCounted = snapshot.getLong("sequence") - baseline;
      progress.line(counters, lastCounted, counters.acknowledged - lastAcknowledged,
          Duration.ofNanos(System.nanoTime() - began));
      lastAcknowledged = counters.acknowledged;
    });
  }

  /** Waits until the tally has counted every acknowledged ballot, or nothing has moved for the drain timeout. */
  private long drain(long baseline) throws InterruptedException {
    long counted = -1;
    long stillSince = System.nanoTime();
    while (true) {
      long now = snapshot("national").getLong("sequence") - baseline;
      long acknowledged = onLoop(() -> counters.acknowledged);
      if (now >= acknowledged) {
        return now;
      }
      if (now != counted) {
        counted = now;
        stillSince = System.nanoTime();
      } else if (System.nanoTime() - stillSince > options.drainTimeout().toNanos()) {
        problems.add("the tally stopped at " + now + " of " + acknowledged + " acknowledged ballots for "
            + options.drainTimeout().toSeconds() + " s");
        return now;
      }
      Thread.sleep(250);
    }
  }

  private Report reconcile(Duration castFor, long counted) {
    var snapshot = snapshot("county");
    var finalCounters = onLoop(() -> counters.copy());
    var receipts = onLoop(() -> new HashMap<>(countedReceipts));
    var found = onLoop(() -> new ArrayList<>(problems));
    var reconciliation = Reconciliation.of(plan, snapshot, receipts);
    var report = new Report(finalCounters, counted, castFor, reconciliation, found, options.election());
    report.print(options.out());
    return report;
  }

  /** The tally's snapshot at a level; a slow or failed read is tried again, three times in all. */
  private JsonObject snapshot(String level) {
    for (int attempt = 1; ; attempt++) {
      try {
        var reply = await(http.get(options.tally(), "/api/v1/results?level=" + level), "the tally at " + options.tally());
        if (reply.status() != 200) {
          throw new IllegalStateException("the tally at " + options.tally() + " answered " + reply);
        }
        return reply.json();
      } catch (IllegalStateException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  private Future<JsonObject> snapshotAsync(String level) {
    return http.get(options.tally(), "/api/v1/results?level=" + level)
        .compose(r -> r.status() == 200 ? Future.succeededFuture(r.json()) : Future.failedFuture(r.toString()));
  }

  private <T> T onLoop(Supplier<T> read) {
    var promise = Promise.<T>promise();
    context.runOnContext(v -> promise.complete(read.get()));
    return promise.future().await();
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.await(40, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot reach " + what + ": " + e.getMessage(), e);
    }
  }

  /** What happened, counted on the event loop. */
  public static final class Counters {
    long sent;
    long acknowledged;
    long failed;
    long retried;
    long limited;
    long duplicates;
    long duplicatesAcknowledged;
    long duplicatesRejected;
    long duplicatesCounted;
    long bad;
    long badRefused;
    long receiptsCounted;
    long wronglyRejected;
    long problems;

    Counters copy() {
      var c = new Counters();
      c.sent = sent;
      c.acknowledged = acknowledged;
      c.failed = failed;
      c.retried = retried;
      c.limited = limited;
      c.duplicates = duplicates;
      c.duplicatesAcknowledged = duplicatesAcknowledged;
      c.duplicatesRejected = duplicatesRejected;
      c.duplicatesCounted = duplicatesCounted;
      c.bad = bad;
      c.badRefused = badRefused;
      c.receiptsCounted = receiptsCounted;
      c.wronglyRejected = wronglyRejected;
      c.problems = problems;
      return c;
    }
  }
}
