package io.votegate.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The poll windows in force, as the operators' commands changed them during the day. A ballot is judged by the
 * window in force when the gateway accepted it: the latest polls command for its state issued at or before then,
 * else the definition's. Every service that applies the same commands judges the same way. Thread-safe: a new map
 * replaces the old one on each command.
 */
public final class DayControls {
  private record Change(Instant issuedAt, Instant closes) {}

  private volatile Map<String, List<Change>> changes = Map.of();
  private final java.util.Set<String> applied = new java.util.HashSet<>();

  /** Takes a verified polls command into account, once however often it is read; others are not about windows. */
  public synchronized void apply(ControlCommand command) {
    if (!command.isPolls() || !applied.add(command.id())) {
      return;
    }
    var next = new HashMap<>(changes);
    var list = new ArrayList<>(next.getOrDefault(command.state(), List.of()));
    list.add(new Change(command.issuedAt(), command.until()));
    list.sort(Comparator.comparing(Change::issuedAt));
    next.put(command.state(), List.copyOf(list));
    changes = Map.copyOf(next);
  }

  /** When {@code state}'s polls close, as in force at {@code at}. */
  public Instant closes(Election.State state, Instant at) {
    Instant closes = state.closes();
    for (var change : changes.getOrDefault(state.code(), List.of())) {
      if (!change.issuedAt().isAfter(at)) {
        closes = change.closes();
      }
    }
    return closes;
  }

  public boolean pollsOpenAt(Election.State state, Instant at) {
    return !at.isBefore(state.opens()) && at.isBefore(closes(state, at));
  }

  public boolean pollsClosedAt(Election.State state, Instant at) {
    return !at.isBefore(closes(state, at));
  }

  public boolean changed(String state) {
    return changes.containsKey(state);
  }

  /** Whether any window has been changed at all. */
  public boolean changedAny() {
    return !changes.isEmpty();
  }
}
