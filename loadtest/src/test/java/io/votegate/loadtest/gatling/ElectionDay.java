package io.votegate.loadtest.gatling;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.votegate.loadtest.CardFeed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.votegate.loadtest.gatling.Votegate.*;

/**
 * ElectionDay: a day of voting compressed into minutes. Each US time zone's states vote from 7:00 to 20:00 local
 * time, with a morning rise, a midday lull and an evening peak, so the national rate swells and ebbs as the polls
 * open and close across the continent. {@code -DhourSeconds} sets how many seconds one hour of the day takes
 * (smoke: 1; else 10). Each zone's peak is its share of the roll's voters times {@code -Drate}, so the national rate
 * stays below {@code -Drate} (it would reach it only if every zone peaked at once).
 */
public class ElectionDay extends Simulation {
  /** The us-2020 states by time zone, with each zone's hours behind Eastern (a state in two zones: its main one). */
  private static final Map<Integer, Set<String>> ZONES = new java.util.TreeMap<>(Map.of(
      0, Set.of("CT", "DE", "DC", "FL", "GA", "IN", "KY", "ME", "MD", "MA", "MI", "NH", "NJ", "NY", "NC", "OH", "PA",
          "RI", "SC", "VT", "VA", "WV"),
      1, Set.of("AL", "AR", "IL", "IA", "KS", "LA", "MN", "MS", "MO", "NE", "ND", "OK", "SD", "TN", "TX", "WI"),
      2, Set.of("AZ", "CO", "ID", "MT", "NM", "UT", "WY"),
      3, Set.of("CA", "NV", "OR", "WA"),
      4, Set.of("AK"),
      5, Set.of("HI")));

  /** Share of a zone's peak rate in each hour the polls are open, 7:00 to 20:00 local time. */
  private static final double[] DAY = {0.55, 0.85, 0.70, 0.50, 0.40, 0.45, 0.45, 0.50, 0.60, 0.85, 1.00, 0.90, 0.60};

  private final Profile profile = profile();
  private final long baseline = tallySequence();
  // Whole seconds: Gatling's injector cannot ramp over less than one.
  private final long hourSeconds = Long.getLong("hourSeconds", "smoke".equals(profile.name()) ? 1 : 10);

  {
    ACKNOWLEDGED.set(0);
    var zones = new ArrayList<PopulationBuilder>();
    var perState = CardFeed.perState(cardsFile());
    double roll = perState.values().stream().mapToLong(Long::longValue).sum();
    for (var zone : ZONES.entrySet()) {
      double share = zone.getValue().stream().mapToLong(state -> perState.getOrDefault(state, 0L)).sum() / roll;
      if (share == 0) {
        continue; // an election without states in this zone
      }
      ScenarioBuilder voters = scenario("ElectionDay voters, UTC-" + (5 + zone.getKey()))
          .feed(cards(zone.getValue()::contains))
          .exec(signIn("sign in"), castBallot("cast ballot", zone.getKey(), true),
              followReceipt("receipt", "receipt", "counted", null));
      zones.add(voters.injectOpen(day(zone.getKey(), share * profile.rate())).protocols(gatewayProtocol()));
    }
    var reconcile = scenario("ElectionDay reconciliation").exec(reconcile(baseline));
    // The reconciliation follows the zone that votes last (Hawaii's), once its voters are all done.
    var last = zones.remove(zones.size() - 1);
    zones.add(last.andThen(reconcile.injectOpen(atOnceUsers(1)).protocols(tallyProtocol())));
    setUp(zones).assertions(assertions(profile));
  }

  /**
   * A zone's day: nothing until its polls open (hours after the East's), then the day's curve up to {@code peak}
   * voters/s, hour by hour.
   */
  private OpenInjectionStep[] day(int hoursBehindEastern, double peak) {
    var steps = new ArrayList<OpenInjectionStep>();
    var hour = Duration.ofSeconds(Math.max(1, hourSeconds));
    if (hoursBehindEastern > 0) {
      steps.add(nothingFor(hour.multipliedBy(hoursBehindEastern)));
    }
    double previous = 0;
    for (double share : DAY) {
      double rate = share * peak;
      steps.add(rampUsersPerSec(previous).to(rate).during(hour));
      previous = rate;
    }
    steps.add(rampUsersPerSec(previous).to(0).during(hour)); // the last voters in line when the polls close
    return steps.toArray(OpenInjectionStep[]::new);
  }
}
