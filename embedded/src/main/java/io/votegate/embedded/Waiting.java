package io.votegate.embedded;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Says what {@code up} is waiting for while a step that can take long (a database's crash recovery) runs: once at the
 * start, then every {@link #EVERY_SECONDS} seconds, so an operator never stares at a silent terminal.
 */
public final class Waiting implements AutoCloseable {
  private static final int EVERY_SECONDS = 10;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    var thread = new Thread(r, "votegate-waiting");
    thread.setDaemon(true);
    return thread;
  });

  private Waiting(String what) {
    long began = System.nanoTime();
    ticker.scheduleAtFixedRate(() -> System.err.printf("  … still waiting for %s (%d s)%n", what,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began)), EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
  }

  /** Prints {@code announcement} now and a reminder of {@code what} is awaited every few seconds until closed. */
  public static Waiting announce(String announcement, String what) {
    System.err.println(announcement);
    return new Waiting(what);
  }

  /** A wait not worth announcing unless it drags on. */
  public static Waiting quietly(String what) {
    return new Waiting(what);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
