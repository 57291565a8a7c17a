package io.votegate.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * The receipts this process's voters are watching (their open event streams), each with the loop to tell. The receipt
 * feed hands a decided status only to the streams watching its receipt. Every decision of the election passes every
 * gateway, and almost none has a voter waiting on that gateway: each costs a map lookup, not an event-bus message
 * (with its metrics) as it did, and a notice is not even parsed while nobody here is watching. Shared by the loops.
 */
final class ReceiptWatchers {
  /** One stream's interest; identity tells two streams of the same receipt apart. */
  private static final class Watcher {
    final Context context;
    final Consumer<JsonObject> onStatus;

    Watcher(Context context, Consumer<JsonObject> onStatus) {
      this.context = context;
      this.onStatus = onStatus;
    }
  }

  /** Per receipt, its watchers: a list replaced, never changed, so that delivery reads it without a lock. */
  private final ConcurrentMap<String, List<Watcher>> byReceipt = new ConcurrentHashMap<>();

  /**
   * From now on, calls {@code onStatus} with each status of {@code receipt} that is published, on the calling loop,
   * until the returned action is run. To be called on a Vert.x context (an event loop).
   */
  Runnable watch(String receipt, Consumer<JsonObject> onStatus) {
    var watcher = new Watcher(Objects.requireNonNull(Vertx.currentContext(), "watch from a Vert.x context"), onStatus);
    byReceipt.compute(receipt, (r, watchers) -> {
      var more = watchers == null ? new ArrayList<Watcher>(1) : new ArrayList<>(watchers);
      more.add(watcher);
      return List.copyOf(more);
    });
    return () -> byReceipt.computeIfPresent(receipt, (r, watchers) -> {
      var fewer = new ArrayList<>(watchers);
      fewer.remove(watcher);
      return fewer.isEmpty() ? null : List.copyOf(fewer);
    });
  }

  /** True while no stream in this process watches any receipt. */
  boolean isEmpty() {
    return byReceipt.isEmpty();
  }

  /** Receipts watched now, for the metrics. */
  int size() {
    return byReceipt.size();
  }

  /** Hands {@code status} (read-only) to each stream watching {@code receipt}, on its own loop. */
  void deliver(String receipt, JsonObject status) {
    var watchers = byReceipt.get(receipt);
    if (watchers != null) {
      for (var watcher : watchers) {
        watcher.context.runOnContext(v -> watcher.onStatus.accept(status));
      }
    }
  }
}
