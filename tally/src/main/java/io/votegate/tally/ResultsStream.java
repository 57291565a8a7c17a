package io.votegate.tally;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The results stream of API.md: {@code retry}, a {@code snapshot}, then {@code delta} events with absolute counts of
 * the units that changed. Clients are served on a timer, at most one delta each per interval: whatever changed
 * since a client's last event goes in one delta, so a slow client gets conflated deltas and nothing queues up.
 */
final class ResultsStream {

  private static final class Client {
    final HttpServerResponse response;
    final View view;
    long sent;
    /** Needs a whole new snapshot (an embargo changed), not a delta: kept until it could be written. */
    boolean stale;

    Client(HttpServerResponse response, View view, long sent) {
      this.response = response;
      this.view = view;
      this.sent = sent;
    }
  }

  private final Counts counts;
  private final Clock clock;
  private final Set<Client> clients = new LinkedHashSet<>();
  private long embargoed = -1;

  ResultsStream(Vertx vertx, Counts counts, TallyConfig config, Clock clock) {
    this.counts = counts;
    this.clock = clock;
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
        .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 2000\n\n");
    var now = clock.instant();
    var client = new Client(response, view, counts.sequence());
    if (resumeFrom != null && resumeFrom <= counts.sequence()) {
      var delta = counts.delta(view, resumeFrom, now);
      if (delta != null) {
        response.write(event("delta", delta));
      }
    } else {
      response.write(event("snapshot", counts.snapshot(view, now)));
    }
    clients.add(client);
    response.closeHandler(v -> clients.remove(client));
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
    for (var client : List.copyOf(clients)) {
      if (client.response.writeQueueFull()) {
        continue; // slow reader: its next delta will cover everything since its last one
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
