package io.votegate.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A started service: stopping it stops accepting work, drains what is in flight and commits. */
@FunctionalInterface
public interface Service {

  Future<Void> stop();

  /**
   * Runs one service as the process's {@code main}: starts it, and on SIGTERM stops it gracefully before Vert.x
   * closes. A service that cannot start ends the process with status 1.
   */
  static void runAsProcess(String name, Vertx vertx, Supplier<Future<Service>> start) {
    var log = LoggerFactory.getLogger(name);
    Service service;
    try {
      service = start.get().await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.error("{} failed to start", name, e);
      vertx.close();
      System.exit(1);
      return;
    }
    log.info("{} started", name);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(log, name, vertx, service), name + "-shutdown"));
  }

  private static void stopQuietly(Logger log, String name, Vertx vertx, Service service) {
    try {
      // Closed from this thread, not chained on an event loop that closing Vert.x terminates.
      service.stop().await(30, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
      log.info("{} stopped", name);
    } catch (Exception e) {
      log.warn("{} did not stop cleanly: {}", name, e.toString());
    }
  }
}
