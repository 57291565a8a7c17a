package io.votegate.tally;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The results stream of API.md: {@code retry}, a {@code snapshot}, then {@code delta} events with absolute counts of
 * the units that changed. Clients are served on a timer, at most one delta each per interval: whatever changed
 * since a client's last event goes in one delta, so a slow client gets conflated deltas and nothing queues up.
 * While the tally is catching up, a new client gets {@code retry} and heartbeats only, and its first event once the
 * counts are live: a newsroom never sees a partial count as if it were the count.
 */
final class ResultsStream {

  private static final class Client {
    final HttpServerResponse response;
    final View view;
    long sent;
    /** Needs a whole new snapshot (an embargo changed), not a delta: kept until it could be written. */
    boolean stale;
    /** When its write queue was first found full, in ms; 0 while it reads. */
    long fullSince;
    /** Opened while the tally was catching up: its first event waits until the counts are live. */
    boolean waiting;
    final Long resumeFrom;

    Client(HttpServerResponse response, View view, long sent, Long resumeFrom) {
      this.response = response;
      this.view = view;
      this.sent = sent;
      this.resumeFrom = resumeFrom;
    }
  }

  private final Counts counts;
  private final Clock clock;
  private final AcceptedBallotsFeed feed;
  private final long stallMillis;
  private final Counter deltas;
  private final Counter conflated;
  private final Counter dropped;
  private final Set<Client> clients = new LinkedHashSet<>();
  private long embargoed = -1;

  ResultsStream(Vertx vertx, Counts counts, TallyConfig config, Clock clock, AcceptedBallotsFeed feed,
                MeterRegistry registry) {
    this.counts = counts;
    this.clock = clock;
    this.feed = feed;
    this.stallMillis = config.stallTimeout().toMillis();
    this.deltas = Counter.builder("votegate.tally.stream.deltas").description("Delta events written to clients")
        .register(registry);
    this.conflated = Counter.builder("votegate.tally.stream.conflated")
        .description("Ticks a slow client skipped: its next delta covers them").register(registry);
    this.dropped = Counter.builder("votegate.tally.stream.dropped")
        .description("Clients dropped after reading nothing for the stall timeout").register(registry);
    vertx.setPeriodic(config.deltaInterval().toMillis(), id -> tick());
    vertx.setPeriodic(config.heartbeat().toMillis(),
        id -> List.copyOf(clients).forEach(c -> c.response.write(": heartbeat\n\n")));
  }

  int clients() {
    return clients.size();
  }

  /** Opens a stream; {@code resumeFrom} is the Last-Event-ID or {@code ?since}, or null for a fresh start. */
  void open(HttpServerResponse response, View view, Long resumeFrom) {
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Accel-Buffering", "no")
        // Not compressed: a compressor holds bytes back until it has enough, and an event must leave when it happens.
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    response.write("retry: 2000\n\n");
    var client = new Client(response, view, counts.sequence(), resumeFrom);
    clients.add(client);
    response.closeHandler(v -> clients.remove(client));
    if (feed.caughtUp()) {
      first(client, clock.instant(), new HashMap<>());
    } else {
      client.waiting = true;
    }
  }

  /**
   * A client's first event: a conflated delta since its {@code Last-Event-ID}, if this tally has reached it, else a
   * snapshot. After a restart the tally numbers the ballots read after its checkpoint anew, in an order that may
   * differ from the one before the crash: an id in that stretch ({@link #ambiguousUpTo()}) may name another set of
   * ballots, so the delta goes back to the checkpoint. Deltas carry absolute counts: more units is still exact.
   * {@code events} holds what this tick already built, by view and position, so that the clients who waited out a
   * catch-up together (a restart's reconnecting newsrooms) share their first events too.
   */
  private void first(Client client, java.time.Instant now, Map<List<Object>, String> events) {
    var from = client.resumeFrom;
    client.sent = counts.sequence();
    if (from != null && from <= counts.sequence()) {
      var start = feed.start();
      long since = from > start.sequence() && from <= ambiguousUpTo() ? start.sequence() : from;
      var delta = events.computeIfAbsent(List.of(client.view, since), k -> {
        var data = counts.delta(client.view, since, now);
        return data == null ? "" : event("delta", data);
      });
      if (!delta.isEmpty()) {
        client.response.write(delta);
      }
    } else {
      client.response.write(events.computeIfAbsent(List.of(client.view),
          k -> event("snapshot", counts.snapshot(client.view, now))));
    }
  }

  /** The last sequence number the tally before a restart may have given, unknown to this one. */
  private long ambiguousUpTo() {
    var start = feed.start();
    return start.sequence() + start.toRead();
  }

  private void tick() {
    var now = clock.instant();
    var embargoedNow = counts.embargoedStates(now);
    if (embargoed >= 0 && embargoedNow != embargoed) {
      clients.forEach(c -> c.stale = true);
    }
    embargoed = embargoedNow;
    var sequence = counts.sequence();
    // Clients with the same view and position get the same bytes: build and encode each event once per tick.
    var events = new HashMap<List<Object>, String>();
    boolean live = feed.caughtUp();
    long nowMillis = now.toEpochMilli();
    for (var client : List.copyOf(clients)) {
      if (client.response.writeQueueFull()) {
        // A slow reader: its next delta will cover everything since its last one, so what it holds is bounded by
        // the write queue. One that reads nothing at all for the stall timeout is dropped; it may resume.
        if (client.fullSince == 0) {
          client.fullSince = nowMillis;
        } else if (nowMillis - client.fullSince >= stallMillis) {
          clients.remove(client);
          dropped.increment();
          client.response.reset();
          continue;
        }
        conflated.increment();
        continue;
      }
      client.fullSince = 0;
      if (client.waiting) {
        if (live) {
          client.waiting = false;
          client.stale = false;
          first(client, now, events);
        }
        continue;
      }
      if (client.stale) {
        client.response.write(events.computeIfAbsent(List.of(client.view),
            k -> event("snapshot", counts.snapshot(client.view, now))));
        client.stale = false;
      } else if (client.sent < sequence) {
        var delta = events.computeIfAbsent(List.of(client.view, client.sent), k -> {
          var data = counts.delta(client.view, client.sent, now);
          return data == null ? "" : event("delta", data);
        });
        if (!delta.isEmpty()) {
          client.response.write(delta);
          deltas.increment();
        }
      }
      client.sent = sequence;
    }
  }

  private String event(String event, JsonObject data) {
    return "event: " + event + "\nid: " + counts.sequence() + "\ndata: " + data.encode() + "\n\n";
  }

  void closeAll() {
    var open = List.copyOf(clients);
    clients.clear();
    open.forEach(c -> c.response.end());
  }
}
