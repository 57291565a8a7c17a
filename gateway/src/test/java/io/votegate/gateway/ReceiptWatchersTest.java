package io.votegate.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The registry alone, on real Vert.x contexts: who gets a status, on which loop, and until when. */
class ReceiptWatchersTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** What a watcher saw: the status and the context it ran on. */
  private record Seen(JsonObject status, Context context) {}

  @Test
  void aStatusReachesEveryWatcherOfItsReceiptOnItsOwnLoopAndNoOneAfterTheyStop() throws Exception {
    var watchers = new ReceiptWatchers();
    assertTrue(watchers.isEmpty());
    var seen = new LinkedBlockingQueue<Seen>();
    var first = vertx.getOrCreateContext();
    var second = vertx.getOrCreateContext();
    var stopFirst = on(first, () -> watchers.watch("r1", s -> seen.add(new Seen(s, Vertx.currentContext()))));
    var stopSecond = on(second, () -> watchers.watch("r1", s -> seen.add(new Seen(s, Vertx.currentContext()))));
    var stopOther = on(first, () -> watchers.watch("r2", s -> seen.add(new Seen(s, Vertx.currentContext()))));
    assertEquals(2, watchers.size());

    var counted = new JsonObject().put("receipt", "r1").put("status", "counted");
    watchers.deliver("r1", counted);
    watchers.deliver("r3", new JsonObject().put("receipt", "r3")); // nobody watches r3: nothing happens
    var a = seen.poll(10, TimeUnit.SECONDS);
    var b = seen.poll(10, TimeUnit.SECONDS);
    assertNotNull(a);
    assertNotNull(b);
    assertSame(counted, a.status());
    assertSame(counted, b.status());
    assertNotSame(a.context(), b.context(), "each on its own loop");
    assertTrue((a.context() == first && b.context() == second) || (a.context() == second && b.context() == first));
    assertNull(seen.poll(200, TimeUnit.MILLISECONDS), "r2's watcher and r3 got nothing");

    stopFirst.run();
    stopFirst.run(); // stopping twice is harmless
    watchers.deliver("r1", counted);
    var c = seen.poll(10, TimeUnit.SECONDS);
    assertNotNull(c);
    assertSame(second, c.context(), "only the watcher still watching");
    assertNull(seen.poll(200, TimeUnit.MILLISECONDS));

    stopSecond.run();
    stopOther.run();
    assertTrue(watchers.isEmpty(), "a receipt nobody watches any more is forgotten");
    watchers.deliver("r1", counted);
    assertNull(seen.poll(200, TimeUnit.MILLISECONDS));
  }

  @Test
  void watchingOutsideAVertxContextIsRefused() {
    assertThrows(NullPointerException.class, () -> new ReceiptWatchers().watch("r1", s -> {}));
  }

  private static Runnable on(Context context, java.util.function.Supplier<Runnable> action) throws Exception {
    var result = new CompletableFuture<Runnable>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }
}
