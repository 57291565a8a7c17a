package io.votegate.tally;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.votegate.platform.Metrics;
import io.votegate.platform.Service;

/**
 * The tally: consumes {@code ballots.accepted} and keeps live counters per contest, state and county, served to
 * newsrooms as an SSE stream, a JSON snapshot and a live results page.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    var config = TallyConfig.fromEnv(System.getenv());
    var metrics = Metrics.create();
    var vertx = metrics.vertx();
    Service.runAsProcess("tally", vertx, () -> start(vertx, metrics, config));
  }

  public static Future<Service> start(Vertx vertx, Metrics metrics, TallyConfig config) {
    return vertx.deployVerticle(new TallyVerticle(config, metrics))
        .map(id -> (Service) () -> vertx.undeploy(id));
  }
}
